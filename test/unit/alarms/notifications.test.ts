import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_THRESHOLDS, evaluateUnsynced } from '../../../src/alarms/evaluate.ts';
import type { NotificationTarget } from '../../../src/alarms/notifications.ts';
import { ALERT_NAME, WebhookNotifier, alertmanagerBody, planEvents } from '../../../src/alarms/notifications.ts';
import type { Device } from '../../../src/model/device.ts';
import { silentLogger } from '../../../src/model/ports.ts';
import { storeCollections } from '../../../src/compose/storeCollections.ts';
import { LowdbStore } from '../../../src/store/lowdbStore.ts';
import { NOW, ago, device } from './fixtures.ts';

const generic: NotificationTarget = { name: 'noc', url: 'http://127.0.0.1:1/hook', kind: 'generic', level: 'critical', reminderSeconds: 3600, headers: {} };
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

interface Sent {
  url: string;
  body: any;
  headers: Record<string, string>;
}

describe('alarms: notification webhooks', () => {
  let dir: string;
  let store: LowdbStore;
  let now: Date;
  let sent: Sent[];
  let failNext: boolean;
  const devices: Device[] = [];
  const post = async (url: string, body: string, headers: Record<string, string>) => {
    if (failNext) {
      failNext = false;
      return { status: 502 };
    }
    sent.push({ url, body: JSON.parse(body), headers });
    return { status: 202 };
  };
  const notifier = (targets: NotificationTarget[] = [generic]) => new WebhookNotifier(targets, store, post, () => now, silentLogger);
  const sweep = (n: WebhookNotifier) => n.notify(evaluateUnsynced(devices, DEFAULT_THRESHOLDS, now));

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'netsync-notify-'));
    store = new LowdbStore(join(dir, 'store.json'), { collections: storeCollections });
    await store.init();
    now = NOW;
    sent = [];
    failNext = false;
    devices.length = 0;
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('fires once when a device crosses the threshold, reminds after the interval, resolves on recovery', async () => {
    devices.push(device('sw-1', 3500), device('ok-1', null));
    const n = notifier();
    expect(await sweep(n)).to.deep.equal([]); // under the threshold: nothing
    now = at(2); // sw-1 is now 3620 s old
    const [first] = await sweep(n);
    expect(first).to.deep.include({ target: 'noc', events: 1, ok: true });
    expect(sent[0]!.body.events).to.deep.equal([
      { status: 'firing', reason: 'new', hostname: 'sw-1', level: 'critical', since: ago(3500), ageSeconds: 3620, cause: 'settings_changed', by: 'git:alice' },
    ]);
    expect(sent[0]!.headers['content-type']).to.equal('application/json');

    now = at(30);
    await sweep(n);
    expect(sent).to.have.length(1); // de-duplicated
    now = at(62); // one reminder interval after the first POST
    await sweep(n);
    expect(sent.map((s) => s.body.events[0].reason)).to.deep.equal(['new', 'reminder']);

    devices[0] = device('sw-1', null); // synchronized
    await sweep(n);
    expect(sent[2]!.body.events).to.deep.equal([
      { status: 'resolved', reason: 'recovered', hostname: 'sw-1', level: 'ok', since: ago(3500), ageSeconds: null, cause: null, by: null },
    ]);
    await sweep(n);
    expect(sent).to.have.length(3);
    expect(await store.listRecords('alarmNotifications')).to.deep.equal([]);
  });

  it('does not repeat a notification after a restart (state is in the store)', async () => {
    devices.push(device('sw-1', 4000));
    await sweep(notifier());
    expect(sent).to.have.length(1);
    now = at(10);
    await sweep(notifier()); // a fresh notifier, as after a daemon restart
    expect(sent).to.have.length(1);
  });

  it('retries on the next sweep when the receiver fails, and counts the failure', async () => {
    devices.push(device('sw-1', 4000));
    failNext = true;
    const [failed] = await sweep(notifier());
    expect(failed).to.deep.include({ ok: false, events: 1, error: 'HTTP 502' });
    const [retried] = await sweep(notifier());
    expect(retried).to.deep.include({ ok: true, events: 1 });
    expect(sent[0]!.body.events[0].reason).to.equal('new');
  });

  it('treats UNMANAGED as recovered, and a new unsync episode as new', async () => {
    devices.push(device('sw-1', 4000));
    const n = notifier();
    await sweep(n);
    devices[0] = device('sw-1', 4000, { state: 'UNMANAGED' });
    await sweep(n);
    expect(sent[1]!.body.events[0]).to.include({ status: 'resolved', hostname: 'sw-1' });
    devices[0] = device('sw-1', 5000); // managed again, different unsyncedSince
    await sweep(n);
    expect(sent[2]!.body.events[0]).to.include({ status: 'firing', reason: 'new' });
  });

  it('a warning-level target hears the warning, then the escalation to critical', () => {
    const target = { ...generic, level: 'warning' as const };
    const warn = planEvents(target, evaluateUnsynced([device('sw-1', 2000)], DEFAULT_THRESHOLDS, NOW), [], NOW);
    expect(warn.map((e) => [e.reason, e.level])).to.deep.equal([['new', 'warning']]);
    const record = {
      id: 'noc|sw-1',
      target: 'noc',
      hostname: 'sw-1',
      level: 'warning' as const,
      since: ago(2000),
      firstSentAt: NOW.toISOString(),
      lastSentAt: NOW.toISOString(),
    };
    const later = at(30);
    const crit = planEvents(target, evaluateUnsynced([device('sw-1', 2000)], DEFAULT_THRESHOLDS, later), [record], later);
    expect(crit.map((e) => [e.reason, e.level, e.previousLevel])).to.deep.equal([['escalated', 'critical', 'warning']]);
  });

  it('sends Alertmanager v2 alerts: labels identify the device, endsAt keeps firing alerts alive between reminders', async () => {
    const am: NotificationTarget = { ...generic, name: 'am', kind: 'alertmanager', url: 'http://127.0.0.1:1/api/v2/alerts', reminderSeconds: 300 };
    devices.push(device('sw-1', 4000));
    const n = notifier([am]);
    await sweep(n);
    const [alert] = sent[0]!.body;
    expect(alert.labels).to.deep.equal({ alertname: ALERT_NAME, hostname: 'sw-1', severity: 'critical', service: 'netsync' });
    expect(alert.startsAt).to.equal(ago(4000));
    expect(alert.endsAt).to.equal(new Date(NOW.getTime() + 600_000).toISOString());
    devices[0] = device('sw-1', null);
    now = at(1);
    await sweep(n);
    expect(sent[1]!.body[0].endsAt).to.equal(now.toISOString());
    expect(sent[1]!.body[0].labels.severity).to.equal('critical');
  });

  it('an Alertmanager escalation resolves the old severity and fires the new one', () => {
    const am: NotificationTarget = { ...generic, kind: 'alertmanager', level: 'warning' };
    const body = alertmanagerBody(
      [
        {
          status: 'firing',
          reason: 'escalated',
          hostname: 'sw-1',
          level: 'critical',
          previousLevel: 'warning',
          since: ago(4000),
          ageSeconds: 4000,
          cause: null,
          by: null,
        },
      ],
      am,
      NOW,
    );
    expect(body.map((a) => [a.labels.severity, a.endsAt === NOW.toISOString()])).to.deep.equal([
      ['warning', true],
      ['critical', false],
    ]);
  });
});
