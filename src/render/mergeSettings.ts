/**
 * Merges the settings that apply to one device (docs/design/architecture.md §4):
 * defaults -> global -> fabric (DIST/CORE only) -> type folder -> groups (ascending priority) -> device.
 * Later layers win. Lists of objects with an `id` (VLANs) or `name` (interfaces) are merged item by item,
 * so a device file can change one VLAN's name without repeating the others; other lists are replaced.
 */
import type { NetworkContext } from '../model/network.ts';
import type { SettingsDoc, SettingsSnapshot } from './settingsSnapshot.ts';

export interface SettingsTarget {
  hostname: string;
  type: string;
  groups: string[];
  network?: NetworkContext;
}

export interface MergedSettings {
  settings: SettingsDoc;
  /** The files merged, in order, for explaining where a value came from. */
  sources: string[];
}

const FABRIC = new Set(['DIST', 'CORE']);

/**
 * Whether `settingsLayers` can ever merge the file at `path`, for some device: anything under global/ or
 * fabric/, groups/<g>/ and devices/<h>/, and a file directly in a type folder (`access/x.yml`). Only these
 * are settings; other YAML in the repo (docs, CI files, `access/old/x.yml`) is not read or judged.
 */
export function isMergeablePath(path: string): boolean {
  const parts = path.toLowerCase().split('/');
  const top = parts[0]!;
  if (top === 'global' || top === 'fabric') return parts.length >= 2;
  if (top === 'groups' || top === 'devices') return parts.length >= 3;
  return parts.length === 2;
}

export function settingsLayers(device: SettingsTarget, snapshot: SettingsSnapshot): string[] {
  const type = device.type.toLowerCase();
  const hostname = device.hostname.toLowerCase();
  const groupRank = (g: string): number => snapshot.groupPriority.get(g.toLowerCase()) ?? 0;
  const groups = [...device.groups].sort((a, b) => groupRank(a) - groupRank(b) || a.localeCompare(b)).map((g) => g.toLowerCase());
  const layers: string[][] = [[], [], [], ...groups.map(() => []), []];
  for (const path of snapshot.docs.keys()) {
    const [top, second] = path.toLowerCase().split('/');
    if (top === 'global') layers[0]!.push(path);
    else if (top === 'fabric' && FABRIC.has(device.type.toUpperCase())) layers[1]!.push(path);
    else if (top === type && path.split('/').length === 2) layers[2]!.push(path);
    else if (top === 'groups' && second !== undefined && groups.includes(second)) layers[3 + groups.indexOf(second)]!.push(path);
    else if (top === 'devices' && second === hostname) layers[layers.length - 1]!.push(path);
  }
  return layers.flat();
}

export function mergeSettings(device: SettingsTarget, snapshot: SettingsSnapshot, defaults: SettingsDoc = {}): MergedSettings {
  const sources = settingsLayers(device, snapshot);
  let settings: SettingsDoc = { hostname: device.hostname, vlans: [], interfaces: [], ...defaults };
  for (const path of sources) settings = mergeValue(settings, withoutMeta(path, snapshot.docs.get(path)!)) as SettingsDoc;
  return { settings: withNetwork(settings, device.network ?? NO_NETWORK), sources };
}

/** What templates see when the inventory says nothing (a render with no store, e.g. a test fixture). */
const NO_NETWORK: NetworkContext = { interfaces: [], linknets: [], mgmtdomain: null, neighbors: [] };

/**
 * The inventory's network data goes over the settings repo: each interface set through the API is merged
 * field by field over the repo's interface of the same name (the API wins; interfaces only the repo has
 * stay), and `linknets`, `mgmtdomain` and `neighbors` come from the inventory alone.
 */
function withNetwork(settings: SettingsDoc, network: NetworkContext): SettingsDoc {
  return {
    ...settings,
    interfaces: mergeValue(settings.interfaces ?? [], network.interfaces),
    linknets: network.linknets,
    mgmtdomain: network.mgmtdomain,
    neighbors: network.neighbors,
  };
}

/** groups.yml is about the repo, not a device setting. */
function withoutMeta(path: string, doc: SettingsDoc): SettingsDoc {
  if (!path.startsWith('global/') || !('groups' in doc)) return doc;
  const { groups: _groups, ...rest } = doc;
  return rest;
}

export function mergeValue(base: unknown, over: unknown): unknown {
  if (Array.isArray(base) && Array.isArray(over)) return mergeLists(base, over);
  if (isPlainObject(base) && isPlainObject(over)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = k in out ? mergeValue(out[k], v) : v;
    return out;
  }
  return over;
}

function mergeLists(base: unknown[], over: unknown[]): unknown[] {
  const key = listKey(base) ?? listKey(over);
  if (!key || !over.every(isPlainObject) || !base.every(isPlainObject)) return over;
  const out = new Map<unknown, Record<string, unknown>>();
  const norm = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v);
  for (const item of base as Record<string, unknown>[]) out.set(norm(item[key]), item);
  for (const item of over as Record<string, unknown>[]) {
    const k = norm(item[key]);
    const prev = out.get(k);
    out.set(k, prev ? (mergeValue(prev, item) as Record<string, unknown>) : item);
  }
  return [...out.values()];
}

function listKey(list: unknown[]): 'id' | 'name' | undefined {
  const first = list[0];
  if (!isPlainObject(first)) return undefined;
  if ('id' in first) return 'id';
  if ('name' in first) return 'name';
  return undefined;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
