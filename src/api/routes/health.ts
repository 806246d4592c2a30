/**
 * /healthz: liveness for load balancers and the Docker HEALTHCHECK; no auth, no secrets. Reports the store's
 * backend, the schema migration in force, this replica and whether it leads; 503 while the backend cannot be
 * reached (a replica that lost its database answers 503 until the connection is back).
 */
import { Router } from 'express';
import type { BackendHealth, Leadership } from '../../model/cluster.ts';

export interface HealthSources {
  version: string;
  backend: () => Promise<BackendHealth>;
  leadership: Pick<Leadership, 'status'>;
}

export function healthRouter(sources: HealthSources): Router {
  const r = Router();
  r.get('/healthz', async (_req, res) => {
    const backend = await sources.backend();
    const leader = sources.leadership.status();
    res.status(backend.ok ? 200 : 503).json({
      status: backend.ok ? 'ok' : 'unavailable',
      version: sources.version,
      store: backend.backend,
      ...(backend.migration ? { migration: backend.migration } : {}),
      ...(backend.problem ? { problem: backend.problem } : {}),
      replica: leader.replica,
      leader: leader.leader,
      ...(leader.leaderSince ? { leaderSince: leader.leaderSince } : {}),
      ...(leader.takeoverMs !== undefined ? { takeoverMs: leader.takeoverMs } : {}),
      ...(leader.previousLeader ? { previousLeader: leader.previousLeader } : {}),
    });
  });
  return r;
}
