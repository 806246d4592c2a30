/**
 * HTTP hardening (issue #14): ids from clients are checked before use, bodies where none is taken are
 * refused, webhooks are verified over their raw bytes, and refusals are logged at a bounded rate.
 */
import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import type { Logger } from '../../../src/model/ports.ts';
import { OPERATOR_TOKEN, deviceInput, removeDir, startTestDaemon } from '../../helpers/daemon.ts';
import type { TestDaemon } from '../../helpers/daemon.ts';
import type { GitOpsFixture } from '../../helpers/gitopsDaemon.ts';
import { SECRET, startGitOps } from '../../helpers/gitopsDaemon.ts';

/** Records every log line (level and message), like a log file would. */
function capturingLogger(lines: string[]): Logger {
  const log = (level: string) => (obj: object | string, msg?: string) => lines.push(`${level} ${typeof obj === 'string' ? obj : (msg ?? '')}`);
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), child: () => logger };
  return logger;
}

async function raw(url: string, method: string, path: string, body: string | Buffer | undefined, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, ...headers },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : new Uint8Array(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, text };
}

/** fetch() will not send a GET with a body; a client may. */
function getWithBody(url: string, path: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, {
      method: 'GET',
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('API hardening (integration)', function () {
  describe('ids, bodies and refusal logging', () => {
    let t: TestDaemon;
    const lines: string[] = [];
    before(async () => {
      t = await startTestDaemon({ logger: capturingLogger(lines) });
      expect((await t.call('POST', '/api/v1/devices', deviceInput('sw-1'))).status).to.equal(201);
    });
    after(async () => {
      await t.stop();
      await removeDir(t.dir);
    });

    it('answers 404, never 500, for ids that are names of Object.prototype members', async () => {
      const store = join(t.dir, 'store.json');
      const before = await readFile(store, 'utf8');
      for (const [method, path] of [
        ['GET', '/api/v1/devices/constructor'],
        ['GET', '/api/v1/devices/toString/events'],
        ['GET', '/api/v1/jobs/toString'],
        ['GET', '/api/v1/transactions/hasOwnProperty'],
        ['DELETE', '/api/v1/linknets/constructor'],
        ['PUT', '/api/v1/devices/__proto__/interfaces'],
        ['PATCH', '/api/v1/devices/__proto__'],
        ['DELETE', '/api/v1/devices/__proto__'],
      ] as const) {
        const body = method === 'PUT' ? { interfaces: [] } : method === 'PATCH' ? { type: 'CORE' } : undefined;
        const r = await t.call(method, path, body);
        expect(r.status, `${method} ${path}: ${JSON.stringify(r.body)}`).to.be.oneOf([400, 404]);
      }
      expect(await readFile(store, 'utf8')).to.equal(before);
    });

    it('caps ids: a 4 KB hostname or job id is 404 and is not echoed back whole', async () => {
      const long = 'a'.repeat(4096); // 16 KB does not get past Node's header limit (431)
      for (const path of [`/api/v1/devices/${long}`, `/api/v1/jobs/${long}`]) {
        const r = await raw(t.url, 'GET', path, undefined);
        expect(r.status).to.equal(404);
        expect(r.text.length).to.be.below(1000);
      }
    });

    it('refuses a body on a route that takes none, and changes nothing', async () => {
      const r = await t.call('DELETE', '/api/v1/devices/sw-1', { a: 1 });
      expect(r.status).to.equal(400);
      expect(r.body.error.code).to.equal('BAD_REQUEST');
      expect((await t.call('GET', '/api/v1/devices/sw-1')).status).to.equal(200);
      expect(await getWithBody(t.url, '/api/v1/devices', '{"filter":1}')).to.equal(400);
      // An empty body is no body.
      expect(await getWithBody(t.url, '/api/v1/devices', '')).to.equal(200);
    });

    it('logs a flood of refused requests in a few lines, not one per request', async () => {
      const before = lines.length;
      await Promise.all(Array.from({ length: 120 }, () => t.call('GET', '/api/v1/devices', undefined, 'not-a-valid-token-000')));
      await Promise.all(Array.from({ length: 40 }, () => t.call('GET', '/api/v1/devices', undefined, null)));
      const written = lines.slice(before);
      expect(written.length, written.join('\n')).to.be.at.most(2);
      expect(written.join('\n')).to.contain('bearer token');
    });
  });

  describe('webhooks', () => {
    let f: GitOpsFixture;
    before(async () => {
      f = await startGitOps();
    });
    after(async () => f.cleanup());

    const post = (body: Buffer, signature: string, delivery = 'd-1') =>
      raw(f.t.url, 'POST', '/webhooks/github', body, {
        'content-type': 'application/json',
        'x-github-event': 'ping',
        'x-github-delivery': delivery,
        'x-hub-signature-256': signature,
      });
    const sign = (data: Buffer | string) => `sha256=${createHmac('sha256', SECRET).update(data).digest('hex')}`;

    it('verifies the HMAC over the raw bytes: \\xff\\xfe signed as bytes is accepted, signed as U+FFFD text refused', async () => {
      const body = Buffer.concat([
        Buffer.from('{"zen":"'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('","hook_id":1,"repository":{"full_name":"netops/settings"}}'),
      ]);
      const overBytes = await post(body, sign(body));
      expect(overBytes.status, overBytes.text).to.be.oneOf([200, 202]);
      const overText = await post(body, sign(body.toString('utf8')));
      expect(overText.status).to.equal(401);
    });

    it('refuses a 4 KB delivery id with 400 and does not echo it', async () => {
      const body = Buffer.from('{"zen":"x","hook_id":1,"repository":{"full_name":"netops/settings"}}');
      const r = await post(body, sign(body), 'x'.repeat(4096));
      expect(r.status).to.equal(400);
      expect(r.text.length).to.be.below(1000);
    });

    it('refuses a body on a refresh ([] , {"zzz":1}, deep nesting) and accepts none', async () => {
      for (const body of ['[]', '{"zzz":1}', `${'['.repeat(100_000)}${']'.repeat(100_000)}`]) {
        const r = await raw(f.t.url, 'POST', '/api/v1/repositories/settings/refresh', body, { 'content-type': 'application/json' });
        expect(r.status, body.slice(0, 10)).to.be.oneOf([400, 413]);
      }
      expect((await f.t.call('POST', '/api/v1/repositories/settings/refresh')).status).to.equal(200);
    });
  });
});
