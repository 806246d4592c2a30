/**
 * `netsync serve` on the PostgreSQL store: the real executable, the URL from the environment as the shipped
 * config has it, the seed imported once, devices served by the API, and the URL's password in no log line.
 */
import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NETSYNC_BIN } from '../../helpers/cli.ts';
import { removeDir, tempDir } from '../../helpers/daemon.ts';
import type { TestDatabase } from '../../helpers/postgres.ts';
import { createTestDatabase } from '../../helpers/postgres.ts';

const TOKEN = 'serve-postgres-token-0123456789';
const PASSWORD = 'pw-that-must-never-be-logged';

interface Serving {
  url: string;
  output: () => string;
  stop: () => Promise<number | null>;
}

/** Starts serve and resolves once it listens (it prints the address); rejects with its output if it exits first. */
async function serve(configFile: string, env: NodeJS.ProcessEnv): Promise<Serving> {
  const child: ChildProcess = spawn(process.execPath, [NETSYNC_BIN, 'serve', '-c', configFile, '--log-format', 'json'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const onData = () => {
      const m = /netsync listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) resolve(m[1]!);
    };
    child.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`serve exited (${code}) before listening:\n${out}`)));
  });
  return {
    url,
    output: () => out,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

describe('netsync serve with store kind postgres', function () {
  this.timeout(90_000);
  let db: TestDatabase;
  let dir: string;
  let config: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    db = await createTestDatabase('serve_pg');
    dir = await tempDir('netsync-serve-pg-');
    const withPassword = new URL(db.url);
    withPassword.password = PASSWORD; // trust auth: accepted and unused, but it must stay out of every log line
    env = { NETSYNC_DATABASE_URL: withPassword.toString() };
    await writeFile(
      join(dir, 'inventory.yml'),
      'devices:\n  - { hostname: SW-1, managementIp: 127.0.0.1, port: 10022, platform: eos, type: ACCESS }\n  - { hostname: sw-2, managementIp: 127.0.0.1, port: 10023, platform: eos, type: ACCESS }\n',
    );
    config = join(dir, 'netsync.yml');
    await writeFile(
      config,
      [
        'listen: { host: 127.0.0.1, port: 0 }',
        `dataDir: ${dir}`,
        'store: { kind: postgres, url: "${NETSYNC_DATABASE_URL}" }',
        `api: { tokens: [{ name: ops, token: ${TOKEN}, role: operator }] }`,
        'inventory: { seed: inventory.yml }',
        'log: { level: debug }',
        '',
      ].join('\n'),
    );
  });
  after(async () => {
    await removeDir(dir);
    await db.drop();
  });

  it('migrates, seeds once, answers /api/v1/devices and /healthz, and keeps the devices across a restart', async () => {
    const get = async (base: string, path: string) => {
      const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      return { status: res.status, body: (await res.json()) as unknown };
    };
    const first = await serve(config, env);
    try {
      const devices = await get(first.url, '/api/v1/devices');
      expect(devices.status).to.equal(200);
      expect(JSON.stringify(devices.body)).to.contain('SW-1').and.contain('sw-2');
      expect((await get(first.url, '/healthz')).body).to.include({ status: 'ok', store: 'postgres' });
    } finally {
      await first.stop();
    }
    expect((await db.sql('SELECT key FROM devices ORDER BY key')).map((r) => r.key)).to.deep.equal(['sw-1', 'sw-2']);
    await db.sql(`DELETE FROM devices WHERE key = 'sw-2'`);

    // A second start finds devices in the store and does not seed again.
    const second = await serve(config, env);
    try {
      const devices = await get(second.url, '/api/v1/devices');
      expect(JSON.stringify(devices.body)).to.contain('SW-1').and.not.contain('sw-2');
    } finally {
      await second.stop();
    }
    for (const out of [first.output(), second.output()]) {
      expect(out).to.contain('127.0.0.1');
      expect(out).not.to.contain(PASSWORD);
    }
  });

  it('stops at start with STORE_UNREACHABLE naming the server when the database is away', async () => {
    const away = new URL(db.url);
    away.port = '1'; // nothing listens on port 1 of the loopback
    away.password = PASSWORD;
    let failed: Error | undefined;
    let output = '';
    try {
      const s = await serve(config, { NETSYNC_DATABASE_URL: away.toString() });
      await s.stop();
    } catch (err) {
      failed = err as Error;
      output = failed.message;
    }
    expect(failed, 'serve should not start').to.not.equal(undefined);
    expect(output).to.contain('STORE_UNREACHABLE').and.contain('127.0.0.1:1/');
    expect(output).not.to.contain(PASSWORD);
  });
});
