/** GET /: device counts, the alarm as Nagios sees it, each repo's head vs known-good, running jobs, recent transactions. */
import { Router } from 'express';
import { pluginResult } from '../../alarms/nagiosPlugin.ts';
import { viewOf } from '../../commit/transactionService.ts';
import { DEVICE_STATES } from '../../model/device.ts';
import type { Ui } from '../deps.ts';
import { inventoryVersion } from '../liveVersion.ts';
import { repoSummaries } from './repoSummary.ts';

export function overviewPage(ui: Ui): Router {
  const r = Router();

  const content = async () => {
    const byState = Object.fromEntries(DEVICE_STATES.map((s) => [s, 0])) as Record<string, number>;
    const { total, synced, version } = await ui.store.readDevices((devices) => {
      let synced = 0;
      for (const d of devices) {
        byState[d.state] = (byState[d.state] ?? 0) + 1;
        if (d.synchronized) synced++;
      }
      return { total: devices.length, synced, version: inventoryVersion(devices) };
    });
    const report = await ui.alarms.report();
    const jobs = await ui.jobs.list(20);
    return {
      version,
      total,
      byState,
      synced,
      unsynced: total - synced,
      alarm: report,
      plugin: pluginResult(report).text.split('\n')[0],
      repos: await repoSummaries(ui),
      running: jobs.filter((j) => j.status === 'RUNNING' || j.status === 'SCHEDULED'),
      recentJobs: jobs.slice(0, 5),
      transactions: (await ui.transactions.list()).map(viewOf).slice(0, 5),
    };
  };

  r.get('/', async (req, res) => {
    ui.page(req, res, 'overview.njk', await content());
  });
  // The live part, re-fetched when the inventory changes.
  r.get('/overview/live', async (req, res) => {
    ui.page(req, res, 'overview-live.njk', await content());
  });
  return r;
}
