/** /api/v1/linknets and /api/v1/mgmtdomains: records whose changes unsync the devices that use them. */
import { Router } from 'express';
import type { NetworkService } from '../../inventory/networkService.ts';
import { actor } from '../auth.ts';
import { linknetSchema, mgmtDomainPatchSchema, mgmtDomainSchema } from '../schemas.ts';
import { checkPathIds } from '../params.ts';
import { parseInput } from '../../model/parseInput.ts';

export function networkRouter(network: NetworkService): Router {
  const r = checkPathIds(Router(), 'record');

  r.get('/linknets', async (_req, res) => {
    res.json({ linknets: await network.listLinknets() });
  });
  r.post('/linknets', async (req, res) => {
    const { record, unsynced } = await network.createLinknet(parseInput(linknetSchema, req.body), actor(res));
    res.status(201).json({ linknet: record, unsynced });
  });
  r.delete('/linknets/:id', async (req, res) => {
    const { record, unsynced } = await network.deleteLinknet(req.params.id, actor(res));
    res.json({ linknet: record, unsynced });
  });

  r.get('/mgmtdomains', async (_req, res) => {
    res.json({ mgmtdomains: await network.listMgmtDomains() });
  });
  r.post('/mgmtdomains', async (req, res) => {
    const { record, unsynced } = await network.createMgmtDomain(parseInput(mgmtDomainSchema, req.body), actor(res));
    res.status(201).json({ mgmtdomain: record, unsynced });
  });
  r.put('/mgmtdomains/:id', async (req, res) => {
    const patch = parseInput(mgmtDomainPatchSchema, req.body);
    const { record, unsynced } = await network.updateMgmtDomain(req.params.id, patch, actor(res));
    res.json({ mgmtdomain: record, unsynced });
  });
  r.delete('/mgmtdomains/:id', async (req, res) => {
    const { record, unsynced } = await network.deleteMgmtDomain(req.params.id, actor(res));
    res.json({ mgmtdomain: record, unsynced });
  });

  return r;
}
