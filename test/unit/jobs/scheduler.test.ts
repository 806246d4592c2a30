import { expect } from 'chai';
import { silentLogger } from '../../../src/model/ports.ts';
import { Scheduler } from '../../../src/jobs/scheduler.ts';
import { isInWindow, windowsAllow } from '../../../src/jobs/windows.ts';
import { schedulerConfigSchema } from '../../../src/jobs/configSchema.ts';
import { until } from '../../helpers/until.ts';

const at = (iso: string) => new Date(iso);

describe('jobs/scheduler and windows', () => {
  it('is inside a window from each cron fire time for its duration', () => {
    const nightly = { cron: '0 22 * * *', duration: '2h' };
    expect(isInWindow(at('2026-11-22T22:00:00Z'), nightly)).to.equal(true);
    expect(isInWindow(at('2026-11-22T23:59:59Z'), nightly)).to.equal(true);
    expect(isInWindow(at('2026-11-23T00:00:00Z'), nightly)).to.equal(false);
    expect(isInWindow(at('2026-11-22T21:59:59Z'), nightly)).to.equal(false);
  });

  it("reads node-cron's day forms and seconds, and windows that span days", () => {
    const local = (month: number, day: number, hour = 0, minute = 0, second = 0) => new Date(2026, month - 1, day, hour, minute, second);
    const lastDay = { cron: '0 23 L * *', duration: '2h' }; // 23:00 on the last day of each month
    expect(isInWindow(local(11, 30, 23, 30), lastDay)).to.equal(true);
    expect(isInWindow(local(12, 1, 0, 59), lastDay)).to.equal(true);
    expect(isInWindow(local(11, 29, 23, 30), lastDay)).to.equal(false);
    const secondMonday = { cron: '0 0 * * 1#2', duration: '2d' }; // Monday 2026-12-14 and 2026-11-09
    expect(isInWindow(local(12, 15, 12), secondMonday)).to.equal(true);
    expect(isInWindow(local(12, 16, 0, 0, 1), secondMonday)).to.equal(false);
    expect(isInWindow(local(12, 8, 12), secondMonday)).to.equal(false);
    const everyTenSeconds = { cron: '*/10 * * * * *', duration: '5s' };
    expect(isInWindow(local(12, 1, 3, 4, 24), everyTenSeconds)).to.equal(true);
    expect(isInWindow(local(12, 1, 3, 4, 25), everyTenSeconds)).to.equal(false);
  });

  it('deny wins over allow; no allow windows means always allowed', () => {
    const windows = { allow: [{ cron: '0 * * * *', duration: '30m' }], deny: [{ cron: '0 12 * * *', duration: '1h' }] };
    expect(windowsAllow(at('2026-11-22T10:10:00Z'), windows)).to.equal(true);
    expect(windowsAllow(at('2026-11-22T10:40:00Z'), windows)).to.equal(false);
    expect(windowsAllow(at('2026-11-22T12:10:00Z'), windows)).to.equal(false);
    expect(windowsAllow(at('2026-11-22T12:10:00Z'), { deny: [] })).to.equal(true);
  });

  it('refuses bad cron expressions and durations at registration', () => {
    const s = new Scheduler(() => new Date(), silentLogger);
    expect(() => s.register({ kind: 'a', cron: 'every minute', run: async () => {} }))
      .to.throw()
      .with.property('code', 'CONFIG_INVALID');
    expect(() => s.register({ kind: 'b', cron: '* * * * *', run: async () => {}, windows: { allow: [{ cron: '0 1 * * *', duration: 'soon' }] } }))
      .to.throw()
      .with.property('code', 'CONFIG_INVALID');
  });

  it('speaks one cron dialect for schedules and windows: what a schedule refuses, a window refuses too', () => {
    const hashed = 'H 2 * * *'; // Jenkins' H: a cron dialect with extensions would accept it
    const s = new Scheduler(() => new Date(), silentLogger);
    expect(() => s.register({ kind: 'a', cron: hashed, run: async () => {} }))
      .to.throw()
      .with.property('code', 'CONFIG_INVALID');
    expect(() => isInWindow(at('2026-11-22T02:00:00Z'), { cron: hashed, duration: '1h' }))
      .to.throw()
      .with.property('code', 'CONFIG_INVALID');
    const config = schedulerConfigSchema.safeParse({ autoSync: { enabled: true, windows: { allow: [{ cron: hashed, duration: '1h' }] } } });
    expect(config.success).to.equal(false);
    expect(schedulerConfigSchema.safeParse({ autoSync: { enabled: true, cron: hashed } }).success).to.equal(false);
  });

  it('allows one schedule per kind', () => {
    const s = new Scheduler(() => new Date(), silentLogger);
    s.register({ kind: 'auto-sync', cron: '* * * * *', run: async () => {} });
    expect(() => s.register({ kind: 'auto-sync', cron: '*/5 * * * *', run: async () => {} }))
      .to.throw()
      .with.property('code', 'CONFLICT');
  });

  it('skips a tick while the previous run of the same kind is still going', async () => {
    const s = new Scheduler(() => new Date(), silentLogger);
    let release!: () => void;
    let runs = 0;
    s.register({
      kind: 'auto-sync',
      cron: '* * * * *',
      run: () => {
        runs++;
        return new Promise<void>((r) => (release = r));
      },
    });
    s.register({
      kind: 'repo-poll',
      cron: '* * * * *',
      run: async () => {
        runs++;
      },
    });
    const first = s.tick('auto-sync');
    expect(await s.tick('auto-sync')).to.equal('skipped-overlap');
    expect(await s.tick('repo-poll')).to.equal('ran');
    release();
    expect(await first).to.equal('ran');
    const second = s.tick('auto-sync');
    release();
    expect(await second).to.equal('ran');
    expect(runs).to.equal(3);
  });

  it('does not run outside its windows, and a failing run is reported, not thrown', async () => {
    let now = at('2026-11-22T10:00:00Z');
    const s = new Scheduler(() => now, silentLogger);
    s.register({
      kind: 'auto-sync',
      cron: '* * * * *',
      run: async () => {
        throw new Error('boom');
      },
      windows: { allow: [{ cron: '0 22 * * *', duration: '1h' }] },
    });
    expect(await s.tick('auto-sync')).to.equal('outside-window');
    now = at('2026-11-22T22:30:00Z');
    expect(await s.tick('auto-sync')).to.equal('failed');
  });

  it('runs each registered kind on its cron once started, and no more after stop', async function () {
    const s = new Scheduler(() => new Date(), silentLogger);
    let runs = 0;
    s.register({
      kind: 'alarm-sweep',
      cron: '* * * * * *',
      run: async () => {
        runs++;
      },
    });
    s.start();
    await until(() => runs > 0, 'the schedule to run', 20_000);
    await s.stop();
    const seen = runs;
    // A witness on the same cron, started after the stop: by its second run a later second has come and gone,
    // and a schedule that were still running would have fired on it (its timer was due before the witness's).
    const witness = new Scheduler(() => new Date(), silentLogger);
    let witnessed = 0;
    witness.register({
      kind: 'alarm-sweep',
      cron: '* * * * * *',
      run: async () => {
        witnessed++;
      },
    });
    witness.start();
    try {
      await until(() => witnessed >= 2, 'the witness schedule to run twice', 20_000);
    } finally {
      await witness.stop();
    }
    expect(runs).to.equal(seen);
  });
});
