/**
 * What the overview shows: device counts, the alarm as Nagios sees it, each repo's head vs known-good (with a
 * rejected push spelled out), running and recent jobs, recent transactions; and its version for the live feed.
 */
import { pluginResult } from '../alarms/nagiosPlugin.ts';
import { viewOf } from '../commit/transactionService.ts';
import { DEVICE_STATES } from '../model/device.ts';
import type { Ui } from './deps.ts';
import { digest } from './liveVersion.ts';
import { repoSummaries } from './repoSummary.ts';

export type OverviewContent = Awaited<ReturnType<typeof overviewContent>>;

export async function overviewContent(ui: Ui) {
  const byState = Object.fromEntries(DEVICE_STATES.map((s) => [s, 0])) as Record<string, number>;
  const { total, synced } = await ui.store.readDevices((devices) => {
    let synced = 0;
    for (const d of devices) {
      byState[d.state] = (byState[d.state] ?? 0) + 1;
      if (d.synchronized) synced++;
    }
    return { total: devices.length, synced };
  });
  const report = await ui.alarms.report();
  const jobs = await ui.jobs.list(20);
  return {
    total,
    byState,
    synced,
    unsynced: total - synced,
    alarm: report,
    plugin: pluginResult(report).text.split('\n')[0],
    repos: await repoSummaries(ui),
    running: jobs.filter((j) => j.status === 'RUNNING' || j.status === 'SCHEDULED'),
    recentJobs: jobs.slice(0, 5),
    transactions: (await ui.transactions.recent(5)).map(viewOf),
  };
}

/** Changes when anything the overview shows changes, except what only moves with the clock (ages). */
export function overviewVersion(c: OverviewContent): string {
  const { alarm } = c;
  return digest(
    JSON.stringify([
      c.total,
      c.byState,
      c.synced,
      [alarm.state, alarm.managed, alarm.unsynchronized, alarm.warning, alarm.critical, alarm.rejectedRepos.length],
      c.repos.map((r) => [r.name, r.head, r.knownGood, r.rejected?.id ?? null]),
      c.recentJobs.map((j) => [j.id, j.status, j.progress]),
      c.running.map((j) => j.id),
      c.transactions.map((t) => [t.id, t.status]),
    ]),
  );
}
