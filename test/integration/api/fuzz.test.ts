/**
 * Property-based fuzzing of every HTTP route of a real daemon (issue #14): routes are read from the express
 * app, so a new route is fuzzed without being listed here. Each generated request (path ids, query, body,
 * content type, token; webhooks signed or not) must get an answer below 500, the daemon must stay up, and a
 * refused request (4xx) must leave the store file byte-identical.
 *
 * Seed: NETSYNC_FUZZ_SEED (default fixed, printed with any failure); requests: NETSYNC_FUZZ_RUNS (default 5000).
 * Traffic stays on loopback: generated devices get 127.0.0.1 and ports where nothing listens (1, 9).
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OPERATOR_TOKEN, READ_TOKEN, removeDir, startTestDaemon, tempDir } from '../../helpers/daemon.ts';
import type { TestDaemon } from '../../helpers/daemon.ts';
import { makeRepo } from '../../helpers/gitRepos.ts';
import { EXAMPLES } from '../../helpers/repoFixtures.ts';
import { listRoutes } from '../../helpers/routeList.ts';
import type { RouteEntry } from '../../helpers/routeList.ts';

const SEED = Number(process.env.NETSYNC_FUZZ_SEED ?? 1406);
const RUNS = Number(process.env.NETSYNC_FUZZ_RUNS ?? 5000);
// Hang guards, not speed limits (5000 requests took 32 s at load average 10): one request may take 30 s, the
// whole run 10 minutes; a slower machine only runs longer.
const REQUEST_LIMIT_MS = 30_000;
const TIME_LIMIT_MS = Number(process.env.NETSYNC_FUZZ_TIME_LIMIT_MS ?? 600_000);
const SECRET = 'fuzz-webhook-secret';
const HOSTNAMES = ['sw-1', 'SW-2', 'nc-3'];
const PROTO = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'prototype', 'valueOf'];

interface FuzzRequest {
  method: string;
  path: string;
  query: string;
  body?: string;
  contentType?: string;
  token: string | null;
  headers: Record<string, string>;
}

const text = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 5, arbitrary: fc.constantFrom(...PROTO, ...HOSTNAMES, 'settings', 'templates', 'github', 'gitlab', 'gitea', 'Ethernet1', '') },
  { weight: 1, arbitrary: fc.integer({ min: 129, max: 3000 }).map((n) => 'a'.repeat(n)) },
);

/** A path parameter: known names, names of Object.prototype members, anything, very long; sometimes not valid percent-encoding. */
const param = fc.oneof(
  { weight: 8, arbitrary: text.map((v) => encodeURIComponent(v)) },
  { weight: 1, arbitrary: fc.constantFrom('%zz', '%', '..', '%2e%2e', '%00', '%E0%A4%A') },
);

const FIELDS = [
  'hostname',
  'managementIp',
  'port',
  'platform',
  'transport',
  'type',
  'groups',
  'state',
  'interfaces',
  'reason',
  'neighbors',
  'devices',
  'config',
  'expected_hash',
  'comment',
  'do_validate',
  'do_confirmed_commit',
  'confirm_timeout',
  'do_rollback',
  'skip_unreachable',
  'concurrency',
  'mode',
  'diff',
  'dry_run',
  'wait',
  'all',
  'device_type',
  'group',
  'resync',
  'force',
  'ticket_ref',
  'deviceA',
  'deviceB',
  'interfaceA',
  'interfaceB',
  'ipv4Network',
  'ipv4Gateway',
  'vlan',
  'name',
  'version',
  'detail',
  'description',
  'enabled',
  ...PROTO,
];

/** Values that fit the fields often enough to get past validation, but only ever point at loopback. */
const value: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    fc.constantFrom('127.0.0.1', '::1', '127.0.0.0/8', 'eos', 'netconf', 'eos-cli', 'ACCESS', 'CORE', 'MANAGED', 'UNMANAGED', 'merge', 'replace'),
    fc.constantFrom(1, 9, 0, -1, 65536, 1.5, 4094, 86_401, true, false, null),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...FIELDS), tie('v'), { maxKeys: 4 }),
  ),
})).v;

const body = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 6, arbitrary: fc.dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: 8 }).map((o) => JSON.stringify(o)) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 100_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`) },
  { weight: 1, arbitrary: fc.constantFrom('', '[]', '{}', 'null', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"x":1}}}') },
);

const query = fc.oneof(
  { weight: 4, arbitrary: fc.constant('') },
  {
    weight: 2,
    arbitrary: fc
      .dictionary(fc.constantFrom('synchronized', 'state', 'type', 'group', 'open', 'limit', 'warn', 'crit', ...PROTO), text, { maxKeys: 3 })
      .map((q) => `?${new URLSearchParams(q as Record<string, string>).toString()}`),
  },
  { weight: 1, arbitrary: fc.constantFrom('?a=1&a=2', '?limit=1e9', '?synchronized[]=true', '?%zz=1') },
);

function requestFor(routes: RouteEntry[]): fc.Arbitrary<FuzzRequest> {
  const route = fc.constantFrom(...routes);
  return fc
    .record({
      route,
      params: fc.array(param, { minLength: 4, maxLength: 4 }),
      otherMethod: fc.option(fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'), { freq: 8 }),
      query,
      body,
      contentType: fc.oneof(
        { weight: 8, arbitrary: fc.constant('application/json') },
        { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/merge-patch+json', undefined) },
      ),
      token: fc.oneof(
        { weight: 8, arbitrary: fc.constant(OPERATOR_TOKEN) },
        { weight: 1, arbitrary: fc.constantFrom(READ_TOKEN, 'wrong-token-0123456789', null) },
      ),
      event: fc.constantFrom('push', 'ping', 'pull_request', 'issues', 'Push Hook', ''),
      signed: fc.boolean(),
      delivery: fc.option(text, { freq: 3 }),
    })
    .map((g) => {
      let i = 0;
      const path = g.route.path.replace(/:[A-Za-z]+/g, () => g.params[i++]!);
      const headers: Record<string, string> = {};
      if (g.route.path.startsWith('/webhooks/')) {
        const raw = g.body ?? '';
        const signature = createHmac('sha256', g.signed ? SECRET : 'not-the-secret')
          .update(raw)
          .digest('hex');
        headers['x-github-event'] = g.event;
        headers['x-gitea-event'] = g.event;
        headers['x-gitlab-event'] = g.event;
        headers['x-hub-signature-256'] = `sha256=${signature}`;
        headers['x-gitea-signature'] = signature;
        headers['x-gitlab-token'] = g.signed ? SECRET : 'nope';
        if (g.delivery !== null) headers['x-github-delivery'] = headers['x-gitea-delivery'] = g.delivery.replace(/[^\x21-\x7e]/g, '');
      }
      return {
        method: g.otherMethod ?? g.route.method,
        path,
        query: g.query,
        ...(g.body !== undefined ? { body: g.body } : {}),
        ...(g.contentType ? { contentType: g.contentType } : {}),
        token: g.token,
        headers,
      };
    });
}

describe('fuzz: every route of a real daemon (fast-check)', function () {
  this.timeout(TIME_LIMIT_MS + 60_000);
  let t: TestDaemon;
  let root: string;
  let storePath: string;

  before(async () => {
    root = await tempDir('netsync-fuzz-');
    const settings = makeRepo(root, 'settings', join(EXAMPLES, 'settings'));
    const templates = makeRepo(root, 'templates', join(EXAMPLES, 'templates'));
    t = await startTestDaemon({
      dir: join(root, 'data'),
      extra: {
        repos: {
          settings: { path: settings.bare, branch: 'main', names: ['netops/settings'], webhookSecrets: [SECRET] },
          templates: { path: templates.bare, branch: 'main', names: ['netops/templates'], webhookSecrets: [SECRET] },
        },
        intake: { poll: false, bodyLimit: '256kb' },
      },
    });
    storePath = join(t.dir, 'store.json');
    for (const [i, hostname] of HOSTNAMES.entries()) {
      const created = await t.call('POST', '/api/v1/devices', {
        hostname,
        managementIp: '127.0.0.1',
        port: i % 2 ? 1 : 9,
        platform: i % 2 ? 'netconf' : 'eos',
        type: 'ACCESS',
      });
      expect(created.status).to.equal(201);
    }
  });

  after(async () => {
    await t?.stop();
    if (root) await removeDir(root);
  });

  /** Work a request may have started (a sync job, a repo refresh) finishes before the next request's snapshot. */
  async function quiet(): Promise<void> {
    await t.daemon.jobs.drain();
    await t.daemon.gitops?.intake.idle();
  }

  async function send(r: FuzzRequest): Promise<{ status: number; text: string }> {
    const headers: Record<string, string> = { ...r.headers };
    if (r.token) headers.authorization = `Bearer ${r.token}`;
    if (r.contentType && r.body !== undefined) headers['content-type'] = r.contentType;
    const canHaveBody = r.method !== 'GET' && r.method !== 'HEAD';
    const res = await fetch(`${t.url}${r.path}${r.query}`, {
      method: r.method,
      headers,
      signal: AbortSignal.timeout(REQUEST_LIMIT_MS),
      ...(canHaveBody && r.body !== undefined ? { body: r.body } : {}),
    });
    return { status: res.status, text: await res.text() };
  }

  it(`answers ${RUNS} generated requests below 500, stays up, and refusals change no byte of the store`, async () => {
    // The web interface loads on its first request; after that its routes are in the app's stack too.
    await fetch(`${t.url}/signin`);
    const routes = listRoutes(t.daemon.app);
    // The enumeration must have found the app's routes (a change in express internals would find none).
    expect(routes.length).to.be.greaterThan(35);
    for (const known of ['POST /webhooks/:provider', 'DELETE /api/v1/devices/:hostname', 'POST /api/v1/repositories/:name/refresh', 'GET /api/v1/jobs/:id']) {
      expect(routes.map((r) => `${r.method} ${r.path}`)).to.include(known);
    }
    const statuses = new Map<number, number>();
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(requestFor(routes), async (r) => {
        await quiet();
        const before = await readFile(storePath);
        const res = await send(r);
        sent += 1;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const what = `${r.method} ${r.path.slice(0, 120)}${r.query.slice(0, 60)} body=${(r.body ?? '').slice(0, 120)}`;
        expect(res.status, `${what} -> ${res.text.slice(0, 300)}`).to.be.below(500);
        if (res.status >= 400) expect((await readFile(storePath)).equals(before), `a refused request changed the store: ${what}`).to.equal(true);
      }),
      { seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: true, endOnFailure: true },
    );
    const health = await fetch(`${t.url}/healthz`);
    expect(health.status).to.equal(200);
    // Print the spread, so a run that only ever hit 401 or 404 shows.
    console.log(`      fuzz: ${sent} requests, seed ${SEED}, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`);
    expect(sent).to.be.at.least(RUNS);
    const accepted = [...statuses].filter(([s]) => s < 300).reduce((n, [, c]) => n + c, 0);
    expect(accepted, 'some generated requests must get past validation').to.be.greaterThan(RUNS / 50);
  });
});
