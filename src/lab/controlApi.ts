/**
 * The lab's HTTP control API (127.0.0.1 only, no auth: it is a test fixture).
 *   GET    /devices                      all devices: platform, port, fingerprint, faults, counters
 *   GET    /devices/:hostname            one device
 *   PATCH  /devices/:hostname/faults     set some faults (JSON, LabFaults fields) -> the faults now
 *   DELETE /devices/:hostname/faults     clear all faults
 *   GET    /devices/:hostname/config     running config (text/plain)
 *   PUT    /devices/:hostname/config     out-of-band change (text/plain body)
 *   POST   /devices/:hostname/counters/reset
 *   GET    /inventory                    the inventory entries (as written by `netsync lab --inventory-out`)
 */
import type { Server } from 'node:http';
import express from 'express';
import { z } from 'zod';
import { parseInput } from '../model/parseInput.ts';
import { labErrorHandler, labNotFound } from './httpErrors.ts';
import type { Lab, LabDevice } from './types.ts';

export const faultsSchema = z
  .object({
    unreachable: z.boolean(),
    authFailure: z.boolean(),
    latencyMs: z.number().int().min(0).max(600_000),
    holdReplies: z.boolean(),
    holdRequests: z.array(z.string().min(1).max(200)).max(20),
    lockHeld: z.boolean(),
    validationError: z.string().min(1).max(1000).nullable(),
    commitError: z.string().min(1).max(1000).nullable(),
    commitIgnored: z.boolean(),
    dropAfter: z.enum(['write', 'validate', 'confirmed-commit']).nullable(),
    reportedHostname: z.string().min(1).max(63).nullable(),
  })
  .partial()
  .strict();

function describe(d: LabDevice) {
  return { hostname: d.hostname, platform: d.platform, port: d.port, hostKeyFingerprint: d.hostKeyFingerprint, faults: d.faults(), counters: d.counters() };
}

export function controlRouter(lab: Pick<Lab, 'devices' | 'device' | 'inventory'>): express.Router {
  const r = express.Router();
  const param = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? '';
  r.get('/devices', (_req, res) => void res.json({ devices: lab.devices.map(describe) }));
  r.get('/devices/:hostname', (req, res) => void res.json(describe(lab.device(param(req.params.hostname)))));
  r.patch('/devices/:hostname/faults', express.json(), (req, res) => {
    const device = lab.device(param(req.params.hostname));
    device.setFaults(parseInput(faultsSchema, req.body));
    res.json(device.faults());
  });
  r.delete('/devices/:hostname/faults', (req, res) => {
    const device = lab.device(param(req.params.hostname));
    device.clearFaults();
    res.json(device.faults());
  });
  r.get('/devices/:hostname/config', (req, res) => void res.type('text/plain').send(lab.device(param(req.params.hostname)).runningConfig()));
  r.put('/devices/:hostname/config', express.text({ type: () => true, limit: '4mb' }), (req, res) => {
    const device = lab.device(param(req.params.hostname));
    device.setRunningConfig(typeof req.body === 'string' ? req.body : '');
    res.type('text/plain').send(device.runningConfig());
  });
  r.post('/devices/:hostname/counters/reset', (req, res) => {
    const device = lab.device(param(req.params.hostname));
    device.resetCounters();
    res.json(device.counters());
  });
  r.get('/inventory', (_req, res) => void res.json({ devices: lab.inventory() }));
  return r;
}

export async function startControlApi(lab: Pick<Lab, 'devices' | 'device' | 'inventory'>, port: number): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  app.disable('x-powered-by');
  app.use(controlRouter(lab));
  app.use(labNotFound);
  app.use(labErrorHandler);
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(port, '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
