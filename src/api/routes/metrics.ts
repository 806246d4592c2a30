/**
 * /metrics for Prometheus, outside /api/v1. Open by default (like most
 * exporters); with `alarms.metrics.token` set it needs that bearer token,
 * which is separate from the API tokens so a scraper cannot read the API.
 */
import { Router } from 'express';
import type { NetsyncMetrics } from '../../alarms/metrics.ts';
import { NetsyncError } from '../../model/errors.ts';
import { TokenAuth } from '../auth.ts';

export function metricsRouter(metrics: NetsyncMetrics, token?: string): Router {
  const auth = token ? new TokenAuth([{ name: 'metrics', token, role: 'read' }], false) : undefined;
  const r = Router();
  r.get('/metrics', async (req, res) => {
    if (auth && auth.identify(req.get('authorization')).role === 'anonymous') {
      throw new NetsyncError('UNAUTHENTICATED', '/metrics needs the bearer token set in alarms.metrics.token');
    }
    res.type(metrics.contentType()).send(await metrics.text());
  });
  return r;
}
