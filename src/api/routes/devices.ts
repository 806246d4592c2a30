/** /api/v1/devices: CRUD plus the device-level actions that change sync status. */
import { Router } from 'express';
import type { InterfaceBounceService } from '../../inventory/interfaceBounce.ts';
import type { InventoryService } from '../../inventory/inventoryService.ts';
import { actor } from '../auth.ts';
import {
  deviceFilterSchema,
  emptyBodySchema,
  eventsQuerySchema,
  importBodySchema,
  devicePatchSchema,
  interfacesBodySchema,
  newDeviceSchema,
  postFlightSchema,
  reasonSchema,
  ztpNeighborsSchema,
} from '../schemas.ts';
import { checkPathIds } from '../params.ts';
import { parseInput } from '../../model/parseInput.ts';

export function devicesRouter(inventory: InventoryService, bounces: InterfaceBounceService): Router {
  const r = checkPathIds(Router());

  r.get('/devices', async (req, res) => {
    const filter = parseInput(deviceFilterSchema, req.query, 'query');
    res.json({ devices: await inventory.list(filter) });
  });

  r.post('/devices', async (req, res) => {
    const device = await inventory.create(parseInput(newDeviceSchema, req.body), actor(res));
    res.status(201).json({ device });
  });

  r.post('/devices/import', async (req, res) => {
    const { devices } = parseInput(importBodySchema, req.body);
    res.json(await inventory.import(devices, actor(res)));
  });

  r.get('/devices/:hostname', async (req, res) => {
    res.json({ device: await inventory.get(req.params.hostname) });
  });

  r.patch('/devices/:hostname', async (req, res) => {
    const patch = parseInput(devicePatchSchema, req.body);
    res.json({ device: await inventory.update(req.params.hostname, patch, actor(res)) });
  });

  r.delete('/devices/:hostname', async (req, res) => {
    res.json({ device: await inventory.remove(req.params.hostname) });
  });

  r.get('/devices/:hostname/events', async (req, res) => {
    const { open } = parseInput(eventsQuerySchema, req.query, 'query');
    res.json({ events: await inventory.events(req.params.hostname, open ?? false) });
  });

  r.get('/devices/:hostname/interfaces', async (req, res) => {
    res.json({ interfaces: (await inventory.get(req.params.hostname)).interfaces });
  });

  r.put('/devices/:hostname/interfaces', async (req, res) => {
    const { interfaces } = parseInput(interfacesBodySchema, req.body);
    res.json({ device: await inventory.setInterfaces(req.params.hostname, interfaces, actor(res)) });
  });

  r.post('/devices/:hostname/interfaces/:name/bounce', async (req, res) => {
    parseInput(emptyBodySchema, req.body);
    // Answered once the device has done it: the event is only there when the bounce happened.
    const event = await bounces.bounce(req.params.hostname, req.params.name, actor(res));
    res.json({ event });
  });

  r.post('/devices/:hostname/upgrade/post-flight', async (req, res) => {
    const body = parseInput(postFlightSchema, req.body);
    const detail = body.detail ?? (body.version ? `upgraded to ${body.version}` : 'firmware upgrade finished');
    res.json({ device: await inventory.postFlight(req.params.hostname, actor(res), detail) });
  });

  r.post('/devices/:hostname/ztp-neighbors', async (req, res) => {
    const { neighbors } = parseInput(ztpNeighborsSchema, req.body);
    res.json({ devices: await inventory.ztpNeighbors(req.params.hostname, neighbors, actor(res)) });
  });

  r.post('/devices/:hostname/unsync', async (req, res) => {
    const { reason } = parseInput(reasonSchema, req.body);
    res.json({ device: await inventory.manualUnsync(req.params.hostname, reason, actor(res)) });
  });

  return r;
}
