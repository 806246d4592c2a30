/**
 * /api/v1/alarms: the unsynced alarm as JSON, and as Monitoring Plugins text
 * for check_http-style polling. check_http maps 2xx to OK, 4xx to WARNING and
 * 5xx to CRITICAL, so the HTTP status carries the state as well as the body.
 * Auth and argument errors are 4xx JSON without "UNSYNCED", so `check_http -s UNSYNCED`
 * makes them CRITICAL rather than a WARNING that looks like an alarm (docs/guides/monitoring.md).
 */
import { Router } from 'express';
import { z } from 'zod';
import type { AlarmService } from '../../alarms/alarmService.ts';
import { parseDuration } from '../../model/duration.ts';
import type { ServiceState } from '../../alarms/evaluate.ts';
import { pluginResult } from '../../alarms/nagiosPlugin.ts';
import { parseInput } from '../../model/parseInput.ts';

export const NAGIOS_HTTP_STATUS: Record<ServiceState, number> = { OK: 200, WARNING: 409, CRITICAL: 503, UNKNOWN: 500 };

const thresholdQuery = z.object({ warning: z.string().optional(), critical: z.string().optional() }).strict();

function overrides(query: unknown) {
  const q = parseInput(thresholdQuery, query, 'query');
  return {
    ...(q.warning !== undefined ? { warningSeconds: parseDuration(q.warning, 'warning') } : {}),
    ...(q.critical !== undefined ? { criticalSeconds: parseDuration(q.critical, 'critical') } : {}),
  };
}

export function alarmsRouter(alarms: AlarmService): Router {
  const r = Router();

  r.get('/alarms', async (req, res) => {
    res.json({ alarm: await alarms.report(overrides(req.query)) });
  });

  r.get('/alarms/nagios', async (req, res) => {
    const result = pluginResult(await alarms.report(overrides(req.query)));
    res.status(NAGIOS_HTTP_STATUS[result.state]).type('text/plain').set('x-nagios-state', String(result.exitCode)).send(`${result.text}\n`);
  });

  return r;
}
