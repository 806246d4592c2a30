import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlarmService } from '../../../src/alarms/alarmService.ts';
import { formatDuration, parseDuration } from '../../../src/model/duration.ts';
import { DEFAULT_THRESHOLDS, evaluateUnsynced } from '../../../src/alarms/evaluate.ts';
import { SyncStatusService } from '../../../src/inventory/syncStatus.ts';
import { buildDevice } from '../../../src/model/device.ts';
import type { NetsyncError } from '../../../src/model/errors.ts';
import { silentLogger } from '../../../src/model/ports.ts';
import { storeCollections } from '../../../src/compose/storeCollections.ts';
import { LowdbStore } from '../../../src/store/lowdbStore.ts';
import { NOW, device } from './fixtures.ts';

const T = DEFAULT_THRESHOLDS; // warning 30m, critical 1h

function caught(fn: () => unknown): NetsyncError {
  try {
    fn();
  } catch (err) {
    return err as NetsyncError;
  }
  throw new Error('expected an error');
}

describe('alarms: unsynced evaluation', () => {
  it('is OK exactly at the warning threshold and WARNING one millisecond later', () => {
    const at = evaluateUnsynced([device('sw-1', 1800)], T, NOW);
    expect(at.state).to.equal('OK');
    expect(at.devices[0]!.level).to.equal('ok');
    const after = evaluateUnsynced([device('sw-1', 1800)], T, new Date(NOW.getTime() + 1));
    expect(after.state).to.equal('WARNING');
    expect(after.warning).to.equal(1);
  });

  it('is WARNING exactly at the critical threshold and CRITICAL one millisecond later', () => {
    expect(evaluateUnsynced([device('sw-1', 3600)], T, NOW).state).to.equal('WARNING');
    const after = evaluateUnsynced([device('sw-1', 3600)], T, new Date(NOW.getTime() + 1));
    expect(after.state).to.equal('CRITICAL');
    expect(after.critical).to.equal(1);
    expect(after.warning).to.equal(0);
  });

  it('never alarms UNMANAGED or not-yet-managed devices, however long unsynchronized', () => {
    const devices = [
      device('old-unmanaged', 86400 * 30, { state: 'UNMANAGED' }),
      device('old-init', 86400, { state: 'INIT' }),
      device('old-discovered', 86400, { state: 'DISCOVERED' }),
    ];
    const r = evaluateUnsynced(devices, T, NOW);
    expect(r.state).to.equal('OK');
    expect(r.managed).to.equal(0);
    expect(r.unsynchronized).to.equal(0);
    expect(r.devices).to.deep.equal([]);
  });

  it('counts only unsynchronized MANAGED devices, oldest first, with cause and author', () => {
    const r = evaluateUnsynced([device('sw-3', 60), device('ok-1', null), device('sw-1', 5400), device('sw-2', 2000)], T, NOW);
    expect(r.managed).to.equal(4);
    expect(r.unsynchronized).to.equal(3);
    expect(r.devices.map((d) => [d.hostname, d.level])).to.deep.equal([
      ['sw-1', 'critical'],
      ['sw-2', 'warning'],
      ['sw-3', 'ok'],
    ]);
    expect(r.oldestSeconds).to.equal(5400);
    expect(r.devices[0]).to.include({ cause: 'settings_changed', by: 'git:alice', ageSeconds: 5400 });
  });

  it('counts an unsynchronized device with no start time from now instead of missing it', () => {
    const r = evaluateUnsynced([device('sw-1', 10, { unsyncedSince: null })], T, NOW);
    expect(r.unsynchronized).to.equal(1);
    expect(r.devices[0]!.ageSeconds).to.equal(0);
  });

  it('a clock behind the stored unsyncedSince (set back, or another replica ahead) gives age 0, never a negative age', () => {
    const r = evaluateUnsynced([device('sw-1', -600)], T, NOW); // since = 10 minutes in the future
    expect(r.state).to.equal('OK');
    expect(r.oldestSeconds).to.equal(0);
    expect(r.devices[0]).to.include({ ageSeconds: 0, level: 'ok' });
  });

  it('refuses a warning threshold longer than the critical one', () => {
    const err = caught(() => evaluateUnsynced([], { warningSeconds: 7200, criticalSeconds: 3600 }, NOW));
    expect(err.code).to.equal('VALIDATION_FAILED');
  });

  it('follows the injected clock: the same stored device crosses the thresholds as time passes', async () => {
    let now = NOW;
    const devices = [device('sw-1', 0)];
    const store = { readDevices: async <T>(read: (d: typeof devices) => T) => read(devices) } as unknown as LowdbStore;
    const alarms = new AlarmService({ store, clock: () => now, logger: silentLogger, thresholds: T });
    expect((await alarms.report()).state).to.equal('OK');
    now = new Date(NOW.getTime() + 1801_000);
    expect((await alarms.report()).state).to.equal('WARNING');
    now = new Date(NOW.getTime() + 3601_000);
    expect((await alarms.report()).state).to.equal('CRITICAL');
    // Caller thresholds: one given alone moves the other out of its way.
    expect((await alarms.report({ criticalSeconds: 7200 })).state).to.equal('WARNING');
    const tight = await alarms.report({ criticalSeconds: 60 });
    expect(tight.thresholds).to.deep.equal({ warningSeconds: 60, criticalSeconds: 60 });
  });

  describe('across a restart (persisted unsyncedSince)', () => {
    let dir: string;
    beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'netsync-alarm-'))));
    afterEach(async () => rm(dir, { recursive: true, force: true }));

    it('keeps the first unsync time through later events and a reopened store', async () => {
      const file = join(dir, 'store.json');
      let now = NOW;
      const clock = () => now;
      const store = new LowdbStore(file, { collections: storeCollections });
      await store.init();
      await store.changeDevices({
        create: [
          { ...buildDevice({ hostname: 'sw-1', managementIp: '10.0.0.1', platform: 'eos', type: 'ACCESS' }, NOW), synchronized: true, unsyncedSince: null },
        ],
      });
      const sync = new SyncStatusService(store, clock);
      await sync.markUnsynced(['sw-1'], 'settings_changed', { by: 'git:alice', detail: 'push' });
      now = new Date(NOW.getTime() + 50 * 60_000);
      await sync.markUnsynced(['sw-1'], 'templates_changed', { by: 'git:bob', detail: 'push' });
      await store.close();

      // "Restart": a new store and service on the same file, 61 minutes after the first event.
      now = new Date(NOW.getTime() + 61 * 60_000);
      const reopened = new LowdbStore(file, { collections: storeCollections });
      await reopened.init();
      const alarms = new AlarmService({ store: reopened, clock, logger: silentLogger, thresholds: T });
      const r = await alarms.report();
      await reopened.close();
      expect(r.state).to.equal('CRITICAL');
      expect(r.devices[0]).to.include({ hostname: 'sw-1', since: NOW.toISOString(), ageSeconds: 61 * 60, cause: 'templates_changed', by: 'git:bob' });
    });
  });
});

describe('alarms: durations', () => {
  it('parses the spellings people use', () => {
    expect(parseDuration('30m')).to.equal(1800);
    expect(parseDuration('1h')).to.equal(3600);
    expect(parseDuration('1h30m')).to.equal(5400);
    expect(parseDuration('2d')).to.equal(172800);
    expect(parseDuration('90')).to.equal(90);
  });

  it('refuses typos with a stable code', () => {
    for (const bad of ['1hr', '', '-5m', '1.5h', 'h']) expect(caught(() => parseDuration(bad)).code).to.equal('VALIDATION_FAILED');
  });

  it('formats the shortest exact spelling', () => {
    expect([3600, 1800, 5400, 45, 0, 90061].map(formatDuration)).to.deep.equal(['1h', '30m', '1h30m', '45s', '0s', '1d1h1m1s']);
  });
});
