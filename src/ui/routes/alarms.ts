/** The unsynced alarm as Nagios and Prometheus see it, with every unsynchronized MANAGED device, oldest first. */
import { Router } from 'express';
import { pluginResult } from '../../alarms/nagiosPlugin.ts';
import type { Ui } from '../deps.ts';

export function alarmsPages(ui: Ui): Router {
  const r = Router();
  r.get('/alarms', async (req, res) => {
    const report = await ui.alarms.report();
    ui.page(req, res, 'alarms.njk', { alarm: report, plugin: pluginResult(report).text });
  });
  return r;
}
