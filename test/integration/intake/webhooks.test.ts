/**
 * Webhooks end to end: real GitHub payloads (@octokit/webhooks-examples) signed with a test secret, real
 * bare repos pushed with the git CLI, a real daemon. Checks what is marked, with which cause, commit,
 * author and path, and that every rejected request changes nothing.
 */
import { expect } from 'chai';
import { createHmac, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { GitOpsFixture } from '../../helpers/gitopsDaemon.ts';
import { OLD_SECRET, SECRET, sendGithub, startGitOps } from '../../helpers/gitopsDaemon.ts';

const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as { name: string; examples: Record<string, any>[] }[];
const example = (name: string) => structuredClone(examples.find((e) => e.name === name)!.examples[0]!);

/** The first real push example, pointed at our repo and commits. */
function pushPayload(fullName: string, before: string, after: string, ref = 'refs/heads/main') {
  const p = example('push');
  p.ref = ref;
  p.before = before;
  p.after = after;
  p.created = false;
  p.deleted = false;
  p.repository.full_name = fullName;
  p.repository.name = fullName.split('/')[1];
  return p;
}

describe('intake: webhooks (integration)', function () {
  let f: GitOpsFixture;
  beforeEach(async () => {
    f = await startGitOps();
    // The daemon catches up at start; the first look at each repo records its baseline and marks nobody.
    await f.t.daemon.gitops!.intake.pollAll();
    const { body } = await f.t.call('GET', '/api/v1/repositories');
    expect(body.repositories.map((r: { knownGood: string }) => r.knownGood)).to.deep.equal([f.settings.head(), f.templates.head()]);
    expect(body.events.map((e: { kind: string }) => e.kind)).to.deep.equal(['baseline', 'baseline']);
    await f.syncAll();
  });
  afterEach(async () => f.cleanup());

  async function snapshot() {
    return JSON.stringify({ devices: await f.t.daemon.store.listDevices(), events: await f.t.daemon.store.listEvents() });
  }

  it('a signed GitHub push marks exactly the affected devices, with commit, author and path', async () => {
    const before = f.settings.head();
    const after = f.settings.commitAndPush({ 'devices/eos-access-2/vlans.yml': 'vlans:\n  - { id: 40, name: cameras }\n' }, 'cameras on eos-access-2');
    const res = await sendGithub(f.t.url, 'push', pushPayload('netops/settings', before, after));
    expect(res.status).to.equal(202);
    expect(res.body).to.include({ accepted: true, repo: 'settings' });
    const events = await f.waitFor(async () => {
      const e = await f.openEvents('eos-access-2');
      return e.length > 0 && e;
    });
    expect(events[0]).to.include({ cause: 'settings_changed', commit: after, by: 'Ada Engineer <ada@example.net>' });
    expect(events[0]!.detail).to.contain('devices/eos-access-2/vlans.yml');
    await f.t.daemon.gitops!.intake.idle();
    for (const h of ['eos-access-1', 'nc-dist-1', 'nc-core-1']) expect((await f.device(h)).synchronized, h).to.equal(true);
    // The push's trigger as `netsync repos` shows it (a push from the git server's own hook says git-hook).
    const { body } = await f.t.call('GET', '/api/v1/repositories');
    expect(body.events[0]).to.include({ kind: 'applied', trigger: 'webhook:github' });
  });

  it('one push touching several device folders names each device its own file', async () => {
    const before = f.settings.head();
    const after = f.settings.commitAndPush(
      { 'devices/eos-access-1/vlans.yml': 'vlans:\n  - { id: 41, name: lab }\n', 'devices/eos-access-2/vlans.yml': 'vlans:\n  - { id: 42, name: lab }\n' },
      'two device folders',
    );
    expect((await sendGithub(f.t.url, 'push', pushPayload('netops/settings', before, after))).status).to.equal(202);
    await f.t.daemon.gitops!.intake.idle();
    for (const h of ['eos-access-1', 'eos-access-2']) {
      const events = await f.openEvents(h);
      expect(
        events.map((e) => e.detail),
        h,
      ).to.have.lengthOf(1);
      expect(events[0]!.detail).to.contain(`devices/${h}/vlans.yml`);
      expect(events[0]).to.include({ cause: 'settings_changed', commit: after });
    }
  });

  it('marks MANAGED and UNMANAGED devices, never one still being brought in (DISCOVERED)', async () => {
    expect((await f.t.call('PATCH', '/api/v1/devices/eos-access-2', { state: 'UNMANAGED' })).status).to.equal(200);
    const created = await f.t.call('POST', '/api/v1/devices', {
      hostname: 'eos-access-9',
      managementIp: '127.0.0.1',
      platform: 'eos',
      type: 'ACCESS',
      groups: ['campus'],
      state: 'DISCOVERED',
    });
    expect(created.status).to.equal(201);
    await f.syncAll();
    const after = f.settings.commitAndPush({ 'access/vlans.yml': 'vlans:\n  - { id: 45, name: guests }\n' }, 'guests on access');
    const { body } = await f.t.call('POST', '/api/v1/repositories/settings/refresh');
    expect(body.result.marked.map((m: { hostname: string }) => m.hostname).sort()).to.deep.equal(['eos-access-1', 'eos-access-2']);
    expect((await f.openEvents('eos-access-2'))[0]).to.include({ cause: 'settings_changed', commit: after });
    expect((await f.device('eos-access-9')).synchronized).to.equal(true);
    expect(await f.openEvents('eos-access-9')).to.deep.equal([]);
  });

  it('a templates push marks the platform with templates_changed', async () => {
    const before = f.templates.head();
    const base =
      "{# EOS: hostname and VLANs #}\nhostname {{ hostname }}\n{% for vlan in vlans | sort(false, false, 'id') %}\nvlan {{ vlan.id }}\n   name {{ vlan.name | upper }}\n{% endfor %}\n";
    const after = f.templates.commitAndPush({ 'eos/base.j2': base });
    expect((await sendGithub(f.t.url, 'push', pushPayload('netops/templates', before, after))).status).to.equal(202);
    await f.waitFor(async () => !(await f.device('eos-access-1')).synchronized && !(await f.device('eos-access-2')).synchronized);
    await f.t.daemon.gitops!.intake.idle();
    expect((await f.openEvents('eos-access-1'))[0]).to.include({ cause: 'templates_changed', commit: after });
    expect((await f.device('nc-dist-1')).synchronized).to.equal(true);
  });

  it('precise mode: a comment-only change marks nobody and reports the touched devices as unchanged', async () => {
    const after = f.settings.commitAndPush({
      'global/vlans.yml': '# VLANs every device carries (reviewed)\nvlans:\n  - { id: 10, name: users }\n  - { id: 20, name: voice }\n',
    });
    const { body } = await f.t.call('POST', '/api/v1/repositories/settings/refresh');
    expect(body.result).to.deep.include({ status: 'applied', after, marked: [] });
    expect(body.result.unchanged).to.have.members(['eos-access-1', 'eos-access-2', 'nc-dist-1', 'nc-core-1']);
    expect((await f.t.daemon.store.listDevices({ synchronized: false })).length).to.equal(0);
  });

  it('an invalid settings push is rejected: nothing marked, the last known-good commit stays, a repo event says why', async () => {
    const good = f.settings.head();
    f.settings.commitAndPush({ 'access/vlans.yml': 'vlans:\n  - { id: 50, name: a }\n  - { id: 50, name: b }\n' }, 'oops');
    const { body } = await f.t.call('POST', '/api/v1/repositories/settings/refresh');
    expect(body.result.status).to.equal('rejected');
    expect(body.result.problems[0]).to.contain('access/vlans.yml');
    expect((await f.t.daemon.store.listDevices({ synchronized: false })).length).to.equal(0);
    const repos = (await f.t.call('GET', '/api/v1/repositories')).body;
    expect(repos.repositories.find((r: { name: string }) => r.name === 'settings').knownGood).to.equal(good);
    expect(repos.events[0]).to.include({ repo: 'settings', kind: 'rejected' });
    // The fix is diffed against the known-good commit: the access switches are marked, by the fix's commit.
    const fix = f.settings.commitAndPush({ 'access/vlans.yml': 'vlans:\n  - { id: 50, name: a }\n' }, 'fix');
    const fixed = (await f.t.call('POST', '/api/v1/repositories/settings/refresh')).body.result;
    expect(fixed.status).to.equal('applied');
    expect(fixed.marked.map((m: { hostname: string }) => m.hostname).sort()).to.deep.equal(['eos-access-1', 'eos-access-2']);
    expect(fixed.marked[0].commit).to.equal(fix);
  });

  it('a template that stops rendering is rejected with the device and reason; an empty push marks nobody', async () => {
    const good = f.templates.head();
    f.templates.commitAndPush({ 'eos/interfaces.j2': '{% for intf in interfaces %}\ninterface {{ intf.name }}\n' }, 'unclosed for');
    const rejected = (await f.t.call('POST', '/api/v1/repositories/templates/refresh')).body.result;
    expect(rejected.status).to.equal('rejected');
    expect(rejected.problems.join('\n')).to.contain('eos-access-1: rendering eos/access.j2 failed');
    expect((await f.t.daemon.store.listDevices({ synchronized: false })).length).to.equal(0);
    expect((await f.t.call('GET', '/api/v1/repositories')).body.repositories[1]).to.include({ name: 'templates', knownGood: good });

    const empty = f.settings.commitAndPush({}, 'empty commit');
    const result = (await f.t.call('POST', '/api/v1/repositories/settings/refresh')).body.result;
    expect(result).to.deep.include({ status: 'applied', after: empty, marked: [], unchanged: [] });
  });

  it('rejects a bad signature (401), a malformed body (400) and an oversized body (413), changing nothing', async () => {
    const before = await snapshot();
    const after = f.settings.commitAndPush({ 'global/vlans.yml': 'vlans: [{id: 10, name: renamed}]\n' });
    const payload = pushPayload('netops/settings', f.settings.head(), after);
    expect((await sendGithub(f.t.url, 'push', payload, { secret: 'wrong-secret-123' })).status).to.equal(401);
    const unsigned = await fetch(`${f.t.url}/webhooks/github`, {
      method: 'POST',
      headers: { 'x-github-event': 'push', 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    });
    expect(unsigned.status).to.equal(401);
    expect((await unsigned.json()).error.code).to.equal('UNAUTHENTICATED');
    const malformed = await sendGithub(f.t.url, 'push', undefined, { rawBody: '{"ref": "refs/heads/main", ' });
    expect([malformed.status, malformed.body.error.code]).to.deep.equal([400, 'BAD_REQUEST']);
    const noAfter = await sendGithub(f.t.url, 'push', { ref: 'refs/heads/main', repository: { full_name: 'netops/settings' } });
    expect(noAfter.status).to.equal(400);
    const big = await sendGithub(f.t.url, 'push', { ...payload, padding: 'x'.repeat(300 * 1024) });
    expect([big.status, big.body.error.code]).to.deep.equal([413, 'PAYLOAD_TOO_LARGE']);
    await f.t.daemon.gitops!.intake.idle();
    expect(await snapshot()).to.equal(before);
  });

  it('answers 202 "ignored" for an unknown repo, another branch, a deleted branch and an unhandled event', async () => {
    const before = await snapshot();
    const head = f.settings.head();
    const cases: [string, unknown, RegExp][] = [
      ['push', pushPayload('someone/else', head, head), /no configured repo/],
      ['push', pushPayload('netops/settings', head, head, 'refs/heads/feature-x'), /not the tracked branch/],
      ['push', { ...pushPayload('netops/settings', head, '0'.repeat(40)), deleted: true }, /deleted/],
      ['issues', { ...example('issues'), repository: { full_name: 'netops/settings' } }, /not handled/],
    ];
    for (const [event, payload, why] of cases) {
      const res = await sendGithub(f.t.url, event, payload);
      expect(res.status, String(why)).to.equal(202);
      expect(res.body.accepted).to.equal(false);
      expect(res.body.ignored).to.match(why);
    }
    await f.t.daemon.gitops!.intake.idle();
    expect(await snapshot()).to.equal(before);
  });

  it('answers a real ping, deduplicates a redelivery, and accepts the previous secret (rotation)', async () => {
    const ping = example('ping');
    ping.repository = { ...ping.repository, full_name: 'netops/settings' };
    const pong = await sendGithub(f.t.url, 'ping', ping);
    expect(pong.status).to.equal(200);
    expect(pong.body).to.include({ pong: true, repo: 'settings' });

    const after = f.settings.commitAndPush({ 'core/interfaces.yml': 'interfaces:\n  - { name: ge-0/0/1, description: uplink, vlan: 100 }\n' });
    const delivery = randomUUID();
    const payload = pushPayload('netops/settings', f.settings.head(), after);
    expect((await sendGithub(f.t.url, 'push', payload, { delivery, secret: OLD_SECRET })).body.accepted).to.equal(true);
    const again = await sendGithub(f.t.url, 'push', payload, { delivery });
    expect([again.status, again.body.duplicate]).to.deep.equal([200, true]);
    await f.waitFor(async () => !(await f.device('nc-core-1')).synchronized);
    await f.t.daemon.gitops!.intake.idle();
    expect(await f.openEvents('nc-core-1')).to.have.length(1);
  });

  it('accepts Gitea (X-Gitea-Signature) and GitLab (X-Gitlab-Token) pushes', async () => {
    const a1 = f.settings.commitAndPush({ 'devices/nc-dist-1/x.yml': 'vlans: [{id: 60, name: gitea}]\n' });
    const giteaBody = JSON.stringify({
      ref: 'refs/heads/main',
      before: '0'.repeat(40),
      after: a1,
      repository: { full_name: 'netops/settings', clone_url: 'https://gitea.example.net/netops/settings.git' },
    });
    const gitea = await fetch(`${f.t.url}/webhooks/gitea`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-gitea-event': 'push',
        'x-gitea-delivery': randomUUID(),
        'x-gitea-signature': createHmac('sha256', SECRET).update(giteaBody).digest('hex'),
      },
      body: giteaBody,
    });
    expect(gitea.status).to.equal(202);
    await f.waitFor(async () => !(await f.device('nc-dist-1')).synchronized);

    const a2 = f.settings.commitAndPush({ 'devices/nc-core-1/x.yml': 'vlans: [{id: 61, name: gitlab}]\n' });
    const gitlabBody = JSON.stringify({
      object_kind: 'push',
      ref: 'refs/heads/main',
      before: a1,
      after: a2,
      project: { path_with_namespace: 'netops/settings' },
    });
    const bad = await fetch(`${f.t.url}/webhooks/gitlab`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': 'not-the-secret' },
      body: gitlabBody,
    });
    expect(bad.status).to.equal(401);
    const gitlab = await fetch(`${f.t.url}/webhooks/gitlab`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': SECRET, 'idempotency-key': randomUUID() },
      body: gitlabBody,
    });
    expect(gitlab.status).to.equal(202);
    await f.waitFor(async () => !(await f.device('nc-core-1')).synchronized);
  });

  it('the refresh API needs a token, names unknown repos NOT_FOUND, and reports up_to_date', async () => {
    expect((await f.t.call('POST', '/api/v1/repositories/settings/refresh', undefined, null)).status).to.equal(401);
    const unknown = await f.t.call('POST', '/api/v1/repositories/nope/refresh');
    expect([unknown.status, unknown.body.error.code]).to.deep.equal([404, 'NOT_FOUND']);
    expect((await f.t.call('POST', '/api/v1/repositories/settings/refresh')).body.result.status).to.equal('up_to_date');
  });
});
