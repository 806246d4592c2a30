/**
 * A running daemon whose PostgreSQL goes away: requests that need the store answer 503 STORE_UNREACHABLE
 * naming the server (not 500, not a hang, no password), and the daemon serves again once the database is
 * back, without a restart. The database is the real one, reached through a TCP relay this test can cut.
 */
import { expect } from 'chai';
import type { Server, Socket } from 'node:net';
import { connect, createServer } from 'node:net';
import { once } from 'node:events';
import type { TestDaemon } from '../../helpers/daemon.ts';
import { removeDir, startTestDaemon } from '../../helpers/daemon.ts';
import type { TestDatabase } from '../../helpers/postgres.ts';
import { createTestDatabase } from '../../helpers/postgres.ts';

/** Relays 127.0.0.1:<port> to the PostgreSQL server; `cut()` closes it and every open connection. */
class Relay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async open(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    server.listen(this.port, '127.0.0.1');
    await once(server, 'listening');
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server!;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    server.close();
    await once(server, 'close');
  }
}

describe('daemon on PostgreSQL: the database goes away and comes back', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let relay: Relay;
  let t: TestDaemon;

  before(async () => {
    db = await createTestDatabase('db_away');
    const direct = new URL(db.url);
    relay = new Relay({ host: direct.hostname, port: Number(direct.port || 5432) });
    await relay.open();
    const viaRelay = new URL(db.url);
    viaRelay.port = String(relay.port);
    viaRelay.password = 'relay-pw-not-shown';
    t = await startTestDaemon({ extra: { store: { kind: 'postgres', url: viaRelay.toString(), connectTimeoutMs: 2000 } } });
  });
  after(async () => {
    await t?.stop();
    await removeDir(t.dir);
    await db.drop();
  });

  it('answers 503 STORE_UNREACHABLE while it is away, and serves again when it is back', async () => {
    const created = await t.call('POST', '/api/v1/devices', { hostname: 'sw-1', managementIp: '127.0.0.1', platform: 'eos', type: 'ACCESS' });
    expect(created.status).to.equal(201);
    expect((await t.call('GET', '/api/v1/devices')).status).to.equal(200);

    await relay.cut();
    for (const [method, path, body] of [
      ['GET', '/api/v1/devices/sw-1', undefined],
      ['GET', '/api/v1/devices', undefined],
      ['POST', '/api/v1/devices', { hostname: 'sw-2', managementIp: '127.0.0.1', platform: 'eos', type: 'ACCESS' }],
    ] as const) {
      const res = await t.call(method, path, body);
      expect(res.status, `${method} ${path}`).to.equal(503);
      expect(JSON.stringify(res.body)).to.contain('STORE_UNREACHABLE').and.contain(`127.0.0.1:${relay.port}`).and.not.contain('relay-pw-not-shown');
    }

    await relay.open(); // the same port
    const back = await t.call('GET', '/api/v1/devices');
    expect(back.status).to.equal(200);
    expect(JSON.stringify(back.body)).to.contain('sw-1').and.not.contain('sw-2');
  });
});
