/** GET /devices: the inventory table (search, filters, sorting, pages); /devices/rows is the live part. */
import { Router } from 'express';
import type { Request } from 'express';
import type { Ui } from '../deps.ts';
import type { DeviceQuery } from '../deviceQuery.ts';
import { PAGE_SIZES, parseDeviceQuery, queryDevices } from '../deviceQuery.ts';
import { inventoryVersion } from '../liveVersion.ts';

/** The URL of this listing with some parameters changed (sort links, pages); defaults are left out. */
function linkFor(query: DeviceQuery) {
  return (changes: Record<string, string | number | undefined> = {}, base = '/devices'): string => {
    const merged: Record<string, unknown> = { ...query, per: query.perPage, ...changes };
    const params = new URLSearchParams();
    for (const key of ['q', 'state', 'type', 'group', 'platform', 'sync', 'sort', 'dir', 'page', 'per']) {
      const v = merged[key];
      if (v === undefined || v === '') continue;
      if ((key === 'sort' && v === 'hostname') || (key === 'dir' && v === 'asc') || (key === 'page' && v === 1) || (key === 'per' && v === 50)) continue;
      params.set(key, String(v));
    }
    const qs = params.toString();
    return qs ? `${base}?${qs}` : base;
  };
}

export function devicesPages(ui: Ui): Router {
  const r = Router();

  const listing = async (req: Request) => {
    const query = parseDeviceQuery(req.query as Record<string, unknown>);
    const now = ui.clock();
    // Read in place and copy only the rows shown: copying 10,000 devices would cost more than the page. The
    // version is of the same read, so the live stream tells of any change the rows do not show.
    const { result, version } = await ui.store.readDevices((all) => {
      const found = queryDevices(all, query, ui.alarms.thresholds, now);
      return { result: { ...found, rows: found.rows.map((d) => structuredClone(d)) }, version: inventoryVersion(all) };
    });
    return { query, result, version, link: linkFor(query), pageSizes: PAGE_SIZES };
  };

  r.get('/devices', async (req, res) => {
    ui.page(req, res, 'devices.njk', await listing(req));
  });
  r.get('/fragments/devices', async (req, res) => {
    ui.page(req, res, 'devices-rows.njk', await listing(req));
  });
  return r;
}
