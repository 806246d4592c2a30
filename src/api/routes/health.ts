/** /healthz: liveness for load balancers and the Docker HEALTHCHECK; no auth, no secrets. */
import { Router } from 'express';
import type { Store } from '../../model/store.ts';

export function healthRouter(store: Store, version: string): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', version, store: store.kind });
  });
  return r;
}
