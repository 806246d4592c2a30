/**
 * /metrics for Prometheus, outside /api/v1. Open by default (like most
 * exporters); with `alarms.metrics.token` set it needs that bearer token,
 * which is separate from the API tokens so a scraper cannot read the API.
 * It also counts webhook deliveries (it is mounted before the webhook router).
 */
import { Router } from 'express';
import type { NetsyncMetrics } from '../../alarms/metrics.ts';
import { NetsyncError } from '../../model/errors.ts';
import { TokenAuth } from '../auth.ts';

const WEBHOOK_PROVIDERS = new Set(['github', 'gitea', 'gitlab']);

export function metricsRouter(metrics: NetsyncMetrics, token?: string): Router {
  const auth = token ? new TokenAuth([{ name: 'metrics', token, role: 'read' }], false) : undefined;
  const r = Router();
  // Counts webhook deliveries as they are answered, whatever the intake decides; unknown
  // providers share one label value so a scanner cannot blow up the series count.
  r.post('/webhooks/:provider', (req, res, next) => {
    const provider = WEBHOOK_PROVIDERS.has(req.params.provider) ? req.params.provider : 'other';
    res.once('finish', () => metrics.webhookReceived(provider, res.statusCode));
    next();
  });
  r.get('/metrics', async (req, res) => {
    if (auth && auth.identify(req.get('authorization')).role === 'anonymous') {
      throw new NetsyncError('UNAUTHENTICATED', '/metrics needs the bearer token set in alarms.metrics.token');
    }
    const text = await metrics.text();
    res.type(metrics.contentType()).send(text);
  });
  return r;
}
