import { expect } from 'chai';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { checkUnsynced } from '../../../src/cli/commands/checkUnsynced.ts';

/** A loopback port that accepts connections and never answers (a hung daemon). */
async function silentServer(): Promise<{ server: Server; port: number; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((s) => void sockets.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as { port: number }).port, sockets };
}

describe('alarms: check-unsynced exit codes without a usable daemon', () => {
  const env = {};

  it('UNKNOWN (3) when nothing listens at the URL', async () => {
    const { server, port } = await silentServer();
    await new Promise((r) => server.close(r)); // the port is now closed
    const r = await checkUnsynced({ url: `http://127.0.0.1:${port}`, token: 'x'.repeat(20), timeout: '5s' }, env);
    expect(r.exitCode).to.equal(3);
    expect(r.text).to.match(/^UNSYNCED UNKNOWN - cannot reach the netsync daemon at http:\/\/127\.0\.0\.1:\d+ .*\[UNAVAILABLE\]$/);
  });

  it('UNKNOWN (3) after --timeout when the daemon accepts but does not answer', async () => {
    const { server, port, sockets } = await silentServer();
    try {
      const r = await checkUnsynced({ url: `http://127.0.0.1:${port}`, token: 'x'.repeat(20), timeout: '1s' }, env);
      expect(r.exitCode).to.equal(3);
      expect(r.text).to.equal(`UNSYNCED UNKNOWN - no answer from http://127.0.0.1:${port} within 1s`);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    }
  });

  it('UNKNOWN (3) for thresholds that cannot work, before any request', async () => {
    const r = await checkUnsynced({ url: 'http://127.0.0.1:9', warning: '2h', critical: '1h', timeout: '5s' }, env);
    expect(r.exitCode).to.equal(3);
    expect(r.text).to.match(/^UNSYNCED UNKNOWN - invalid arguments: the warning threshold \(7200s\) must not be longer than the critical one/);
    const t = await checkUnsynced({ url: 'http://127.0.0.1:9', timeout: 'soon' }, env);
    expect(t.text).to.match(/^UNSYNCED UNKNOWN - invalid arguments: timeout 'soon' is not a duration/);
  });
});
