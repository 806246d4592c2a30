/**
 * Notification webhooks from the daemon's own sweep (the cron schedule, every second):
 * a generic JSON receiver (a plain HTTP server) and a real Alertmanager.
 */
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deviceInput, startTestDaemon } from '../../helpers/daemon.ts';
import type { PrometheusPeer } from '../../peers/prometheus.ts';
import { ALERTMANAGER_BIN, startAlertmanager } from '../../peers/prometheus.ts';
import { Stops, makeOld } from './helpers.ts';

interface Received {
  at: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const got = await probe();
    if (got !== undefined) return got;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('alarms: notification webhooks (generic receiver and a real Alertmanager)', function () {
  this.timeout(60_000);
  const stops = new Stops();
  let am: PrometheusPeer;
  let receiver: Server;
  const received: Received[] = [];

  before(async function () {
    if (!existsSync(ALERTMANAGER_BIN)) throw new Error(`${ALERTMANAGER_BIN} missing: run test/setup.sh (installs prometheus-alertmanager)`);
    receiver = createServer((req, res) => {
      let text = '';
      req.on('data', (c) => (text += c));
      req.on('end', () => {
        received.push({ at: Date.now(), headers: req.headers, body: JSON.parse(text) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    stops.add({
      stop: () => {
        receiver.closeAllConnections(); // the daemon's keep-alive sockets
        return new Promise((r) => receiver.close(r));
      },
    });
    am = stops.add(await startAlertmanager());
  });
  after(stops.run);

  it('fires once on crossing, reminds after the interval, resolves on sync; Alertmanager shows and then drops the alert', async () => {
    process.env.NETSYNC_TEST_HOOK_TOKEN = 'hook-secret-0123456789';
    const t = stops.daemon(
      await startTestDaemon({
        extra: {
          alarms: {
            sweep: '* * * * * *',
            notifications: [
              {
                name: 'noc-hook',
                url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
                reminder: '3s',
                headers: { authorization: 'Bearer ${NETSYNC_TEST_HOOK_TOKEN}' },
              },
              { name: 'am', kind: 'alertmanager', url: `${am.url}/api/v2/alerts`, reminder: '1m' },
            ],
          },
        },
      }),
    );
    delete process.env.NETSYNC_TEST_HOOK_TOKEN;
    expect((await t.call('POST', '/api/v1/devices', deviceInput('sw-1'))).status).to.equal(201);
    expect((await t.call('POST', '/api/v1/devices', deviceInput('sw-2'))).status).to.equal(201);
    // Two sweeps in a row: the second surely started after both devices existed. Young devices notify nobody.
    await t.daemon.alarms.service.sweep();
    const swept = await t.daemon.alarms.service.sweep();
    expect(swept.report.unsynchronized).to.equal(2);
    expect(swept.notifications).to.deep.equal([]);
    expect(received).to.deep.equal([]);

    await makeOld(t, 'sw-1', 2 * 3600);
    const since = (await t.daemon.store.getDevice('sw-1'))!.unsyncedSince;
    const first = await until('the first notification', () => received[0]);
    expect(first.headers.authorization).to.equal('Bearer hook-secret-0123456789');
    expect(first.body).to.deep.include({ source: 'netsync', type: 'unsynced-alarm', state: 'CRITICAL' });
    expect(first.body.events).to.have.length(1);
    expect(first.body.events[0]).to.deep.include({
      status: 'firing',
      reason: 'new',
      hostname: 'sw-1',
      level: 'critical',
      since,
      cause: 'manual',
      by: 'api:ops',
    });

    const [alert] = await until('the alert in Alertmanager', async () => {
      const alerts = await am.api<{ labels: Record<string, string>; status: { state: string } }[]>('/api/v2/alerts');
      return alerts.length > 0 ? alerts : undefined;
    });
    expect(alert!.labels).to.deep.equal({ alertname: 'NetsyncDeviceUnsynchronized', hostname: 'sw-1', severity: 'critical', service: 'netsync' });
    expect(alert!.status.state).to.equal('active');

    const reminder = await until('the reminder', () => received[1], 30_000);
    expect(reminder.body.events[0]).to.include({ status: 'firing', reason: 'reminder', hostname: 'sw-1' });
    // Not before the 3 s reminder interval, by the daemon's own clock (sentAt), not by when this busy process saw it.
    expect(Date.parse(reminder.body.sentAt) - Date.parse(first.body.sentAt)).to.be.at.least(3000);
    expect(received.length).to.equal(2); // and nothing in between: de-duplicated

    await t.daemon.syncStatus.markSynced(['sw-1'], { by: 'test' });
    const resolved = await until('the recovery', () => received.find((r) => r.body.events[0].status === 'resolved'));
    expect(resolved.body.events[0]).to.include({ reason: 'recovered', hostname: 'sw-1' });
    await until('Alertmanager to drop the alert', async () => ((await am.api<unknown[]>('/api/v2/alerts')).length === 0 ? true : undefined));

    // The counter moves after the POST returns, so Alertmanager can hold the recovery before /metrics shows it: wait for it.
    const amSent = /netsync_alarm_notifications_total\{target="am",kind="alertmanager",outcome="sent"\} (\d+)/;
    const metrics = await until('/metrics to count the recovery sent to Alertmanager', async () => {
      const text = await (await fetch(`${t.url}/metrics`)).text();
      return Number(amSent.exec(text)?.[1] ?? 0) >= 2 ? text : undefined;
    });
    expect(metrics).to.match(/netsync_alarm_notifications_total\{target="am",kind="alertmanager",outcome="sent"\} 2\n/);
    expect(metrics).to.match(/netsync_alarm_notifications_total\{target="noc-hook",kind="generic",outcome="sent"\} [34]/);
  });
});
