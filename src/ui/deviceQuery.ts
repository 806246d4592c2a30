/**
 * The Devices page's search, filters, sorting and paging over the inventory. Pure: devices and "now" come
 * in, one page goes out. Built for 10,000 devices: one pass to filter, one sort, a slice.
 */
import { levelFor } from '../alarms/evaluate.ts';
import type { Thresholds } from '../alarms/evaluate.ts';
import type { Device } from '../model/device.ts';
import { DEVICE_STATES } from '../model/device.ts';

export const SORT_KEYS = ['hostname', 'managementIp', 'type', 'platform', 'state', 'synchronized', 'unsyncedSince'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export const SYNC_FILTERS = ['synced', 'unsynced', 'alarm'] as const;
export type SyncFilter = (typeof SYNC_FILTERS)[number];
export const PAGE_SIZES = [25, 50, 100, 250] as const;

export interface DeviceQuery {
  q?: string;
  state?: string;
  type?: string;
  group?: string;
  platform?: string;
  sync?: SyncFilter;
  sort: SortKey;
  dir: 'asc' | 'desc';
  page: number;
  perPage: number;
}

export interface DevicePage {
  rows: Device[];
  total: number;
  matched: number;
  page: number;
  pages: number;
  /** What the filter menus offer: every value present in the inventory. */
  options: { types: string[]; groups: string[]; platforms: string[]; states: readonly string[] };
}

/** Reads the query string leniently: an unknown value falls back to the default rather than failing the page. */
export function parseDeviceQuery(query: Record<string, unknown>): DeviceQuery {
  const s = (name: string) => {
    const v = query[name];
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
  };
  const sort = (SORT_KEYS as readonly string[]).includes(s('sort') ?? '') ? (s('sort') as SortKey) : 'hostname';
  const perPage = Number(s('per') ?? 50);
  const page = Number(s('page') ?? 1);
  const sync = s('sync');
  const out: DeviceQuery = {
    sort,
    dir: s('dir') === 'desc' ? 'desc' : 'asc',
    page: Number.isInteger(page) && page >= 1 ? page : 1,
    perPage: (PAGE_SIZES as readonly number[]).includes(perPage) ? perPage : 50,
  };
  for (const key of ['q', 'state', 'type', 'group', 'platform'] as const) {
    const v = s(key);
    if (v !== undefined) out[key] = v.slice(0, 100);
  }
  if (sync && (SYNC_FILTERS as readonly string[]).includes(sync)) out.sync = sync as SyncFilter;
  return out;
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Sorts IPv4 addresses by their numbers (10.0.0.9 before 10.0.0.10); other text by the collator. */
function ipKey(ip: string): string {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  return m
    ? m
        .slice(1)
        .map((n) => n.padStart(3, '0'))
        .join('.')
    : ip;
}

export function queryDevices(devices: readonly Device[], query: DeviceQuery, thresholds: Thresholds, now: Date): DevicePage {
  const types = new Set<string>();
  const groups = new Set<string>();
  const platforms = new Set<string>();
  const q = query.q?.toLowerCase();
  const nowMs = now.getTime();
  const lower = (v: string | undefined) => v?.toLowerCase();
  const [type, group, platform] = [lower(query.type), lower(query.group), lower(query.platform)];
  const matched: Device[] = [];
  for (const d of devices) {
    types.add(d.type);
    platforms.add(d.platform);
    for (const g of d.groups) groups.add(g);
    if (q && !d.hostname.toLowerCase().includes(q) && !d.managementIp.toLowerCase().includes(q)) continue;
    if (query.state && d.state !== query.state) continue;
    if (type && d.type.toLowerCase() !== type) continue;
    if (platform && d.platform.toLowerCase() !== platform) continue;
    if (group && !d.groups.some((g) => g.toLowerCase() === group)) continue;
    if (query.sync === 'synced' && !d.synchronized) continue;
    if (query.sync === 'unsynced' && d.synchronized) continue;
    if (query.sync === 'alarm' && !inAlarm(d, thresholds, nowMs)) continue;
    matched.push(d);
  }
  const sign = query.dir === 'desc' ? -1 : 1;
  const key = sortKey(query.sort);
  const keyed = matched.map((d) => ({ d, k: key(d) }));
  keyed.sort((a, b) => sign * (collator.compare(a.k, b.k) || collator.compare(a.d.hostname, b.d.hostname)));
  const pages = Math.max(1, Math.ceil(matched.length / query.perPage));
  const page = Math.min(query.page, pages);
  return {
    rows: keyed.slice((page - 1) * query.perPage, page * query.perPage).map((x) => x.d),
    total: devices.length,
    matched: matched.length,
    page,
    pages,
    options: {
      types: [...types].sort(collator.compare),
      groups: [...groups].sort(collator.compare),
      platforms: [...platforms].sort(collator.compare),
      states: DEVICE_STATES,
    },
  };
}

/** The alarm's own rule: a MANAGED device unsynchronized longer than the warning threshold. */
function inAlarm(d: Device, t: Thresholds, nowMs: number): boolean {
  if (d.state !== 'MANAGED' || d.synchronized) return false;
  const since = d.unsyncedSince ? Date.parse(d.unsyncedSince) : nowMs;
  return levelFor(Math.max(0, nowMs - since), t) !== 'ok';
}

function sortKey(key: SortKey): (d: Device) => string {
  switch (key) {
    case 'managementIp':
      return (d) => ipKey(d.managementIp);
    case 'synchronized':
      return (d) => (d.synchronized ? '1' : '0');
    case 'unsyncedSince':
      // Synchronized devices (no date) sort after every unsynchronized one.
      return (d) => d.unsyncedSince ?? '9999';
    default:
      return (d) => String(d[key]);
  }
}
