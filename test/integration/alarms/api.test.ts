/** The alarm over HTTP and through the real `netsync check-unsynced` binary, against a running daemon. */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { runCli } from '../../helpers/cli.ts';
import type { TestDaemon } from '../../helpers/daemon.ts';
import { READ_TOKEN, deviceInput, removeDir, startTestDaemon } from '../../helpers/daemon.ts';

const METRICS_TOKEN = 'metrics-scrape-token-0123456789';
/** From monitoring-plugins-basic (test/setup.sh). */
const CHECK_HTTP = '/usr/lib/nagios/plugins/check_http';

describe('alarms: REST, /metrics and check-unsynced against a running daemon', function () {
  this.timeout(60_000);
  let t: TestDaemon;
  let now = Date.parse('2026-11-22T08:00:00.000Z');
  const minutes = (m: number) => (now += m * 60_000);

  before(async () => {
    t = await startTestDaemon({ clock: () => new Date(now), extra: { alarms: { metrics: { token: METRICS_TOKEN } } } });
    for (const h of ['sw-1', 'sw-2']) expect((await t.call('POST', '/api/v1/devices', deviceInput(h))).status).to.equal(201);
    expect((await t.call('POST', '/api/v1/devices', deviceInput('lab-1', { state: 'UNMANAGED' }))).status).to.equal(201);
  });
  after(async () => {
    await t?.stop();
    if (t) await removeDir(t.dir);
  });

  const plugin = (...args: string[]) => runCli(['check-unsynced', '--url', t.url, '--token', READ_TOKEN, ...args]);
  const nagiosHttp = async (query = '') => {
    const res = await fetch(`${t.url}/api/v1/alarms/nagios${query}`, { headers: { authorization: `Bearer ${READ_TOKEN}` } });
    return { status: res.status, type: res.headers.get('content-type'), state: res.headers.get('x-nagios-state'), text: await res.text() };
  };

  it('OK while young: exit 0 from the plugin, HTTP 200 from /alarms/nagios', async () => {
    const cli = await plugin();
    expect(cli.code).to.equal(0);
    expect(cli.stdout).to.match(/^UNSYNCED OK - 2 of 2 managed devices unsynchronized, none longer than 30m \| unsynced=2;;;0;2 /);
    const http = await nagiosHttp();
    expect(http.status).to.equal(200);
    expect(http.type).to.match(/^text\/plain/);
    expect(http.text.split('\n')[0]).to.equal(cli.stdout.split('\n')[0]);
  });

  it('WARNING after 31 minutes (exit 1, HTTP 409), CRITICAL after 61 (exit 2, HTTP 503); UNMANAGED never counted', async () => {
    minutes(31);
    const warn = await plugin();
    expect(warn.code).to.equal(1);
    expect(warn.stdout).to.match(/^UNSYNCED WARNING - 2 devices unsynchronized longer than 30m: sw-1, sw-2 \|/);
    expect((await nagiosHttp()).status).to.equal(409);
    minutes(30);
    const crit = await plugin();
    expect(crit.code).to.equal(2);
    expect(crit.stdout).to.match(
      /^UNSYNCED CRITICAL - 2 devices unsynchronized longer than 1h: sw-1, sw-2 \| .* oldest=3660s;1800;3600;0 rejected_repos=0;;;0\n/,
    );
    expect(crit.stdout).to.contain('\nsw-1: CRITICAL, unsynchronized since 2026-11-22T08:00:00.000Z (1h1m), last cause manual by api:ops');
    expect(crit.stdout).to.not.contain('lab-1');
    const http = await nagiosHttp();
    expect(http.status).to.equal(503);
    expect(http.state).to.equal('2');
  });

  it('real check_http: -s UNSYNCED turns a rejected token CRITICAL instead of the WARNING a bare 401 gives', async () => {
    const checkHttp = (token: string, ...extra: string[]) =>
      new Promise<{ code: number; stdout: string }>((resolve) => {
        const { port } = new URL(t.url);
        const args = ['-H', '127.0.0.1', '-p', port, '-u', '/api/v1/alarms/nagios', '-k', `Authorization: Bearer ${token}`, ...extra];
        execFile(CHECK_HTTP, args, (err, stdout) => resolve({ code: err ? Number(err.code) : 0, stdout }));
      });
    expect((await checkHttp(READ_TOKEN, '-s', 'UNSYNCED')).code).to.equal(2);
    expect((await checkHttp('not-a-valid-token-at-all')).code).to.equal(1);
    const bad = await checkHttp('not-a-valid-token-at-all', '-s', 'UNSYNCED');
    expect(bad.code).to.equal(2);
    expect(bad.stdout).to.contain('401');
  });

  it("honours the caller's thresholds (-w/-c and ?warning=&critical=)", async () => {
    expect((await plugin('-w', '2h', '-c', '3h')).code).to.equal(0);
    expect((await nagiosHttp('?critical=2h')).status).to.equal(409);
    expect((await nagiosHttp('?critical=1hr')).status).to.equal(400);
  });

  it('JSON from GET /api/v1/alarms, which needs a token', async () => {
    const { status, body } = await t.call('GET', '/api/v1/alarms', undefined, READ_TOKEN);
    expect(status).to.equal(200);
    expect(body.alarm).to.deep.include({ state: 'CRITICAL', managed: 2, unsynchronized: 2, critical: 2, oldestSeconds: 3660 });
    expect(body.alarm.devices.map((d: { hostname: string }) => d.hostname)).to.deep.equal(['sw-1', 'sw-2']);
    expect((await t.call('GET', '/api/v1/alarms', undefined, null)).status).to.equal(401);
  });

  it('/metrics needs the separate metrics token when one is configured, and shows per-device ages', async () => {
    expect((await fetch(`${t.url}/metrics`)).status).to.equal(401);
    expect((await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${READ_TOKEN}` } })).status).to.equal(401);
    const res = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).to.equal(200);
    const text = await res.text();
    expect(text).to.contain('netsync_device_unsynchronized_seconds{hostname="sw-1"} 3660');
    expect(text).to.contain('netsync_devices_unsynchronized 2');
    expect(text).to.contain('netsync_devices{state="UNMANAGED",synchronized="false"} 1');
    expect(text).to.contain('netsync_alarm_state 2');
    expect(text).to.not.contain('hostname="lab-1"');
  });

  it('/metrics counts webhook deliveries by provider and answer', async () => {
    await fetch(`${t.url}/webhooks/github`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    await fetch(`${t.url}/webhooks/no-such-provider`, { method: 'POST', body: '{}' });
    const text = await (await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
    expect(text).to.match(/netsync_webhook_deliveries_total\{provider="github",status="\d{3}"\} 1/);
    expect(text).to.match(/netsync_webhook_deliveries_total\{provider="other",status="\d{3}"\} 1/);
  });

  it('a synced device leaves the alarm: back to OK once both are synchronized', async () => {
    await t.daemon.syncStatus.markSynced(['sw-1', 'sw-2'], { by: 'test' });
    const cli = await plugin();
    expect(cli.code).to.equal(0);
    expect(cli.stdout).to.match(/^UNSYNCED OK - all 2 managed devices synchronized \|/);
  });

  it('UNKNOWN (exit 3) when the token is rejected or the daemon is unreachable', async () => {
    const bad = await runCli(['check-unsynced', '--url', t.url, '--token', 'not-a-valid-token-at-all']);
    expect(bad.code).to.equal(3);
    expect(bad.stdout).to.match(/^UNSYNCED UNKNOWN - the daemon rejected the token: .*\[UNAUTHENTICATED\]\n$/);
    const url = t.url;
    await t.stop();
    const down = await runCli(['check-unsynced', '--url', url, '--token', READ_TOKEN]);
    expect(down.code).to.equal(3);
    expect(down.stdout).to.match(/^UNSYNCED UNKNOWN - cannot reach the netsync daemon at http:\/\/127\.0\.0\.1:\d+ .*\[UNAVAILABLE\]\n$/);
  });

  it('UNKNOWN (exit 3) for bad arguments, before contacting anyone', async () => {
    const typo = await runCli(['check-unsynced', '--url', 'http://127.0.0.1:9', '-w', '1hr']);
    expect(typo.code).to.equal(3);
    expect(typo.stdout).to.match(/^UNSYNCED UNKNOWN - invalid arguments: warning '1hr' is not a duration/);
    const unknownOption = await runCli(['check-unsynced', '--bogus']);
    expect(unknownOption.code).to.equal(3);
    expect(unknownOption.stdout).to.match(/^UNSYNCED UNKNOWN - unknown option '--bogus'/);
  });
});
