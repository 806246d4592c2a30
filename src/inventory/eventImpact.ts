/**
 * Precise impact for inventory events (interfaces, linknets, management domains), as for pushes: the
 * devices an event can reach are rendered with their network data before and after the change, at the
 * commits in force; only those whose intended config changes are marked unsynchronized. The others get
 * a `config_unchanged` line in their history. Without repos there is nothing to render: every candidate
 * is marked, as before.
 */
import type { Device } from '../model/device.ts';
import { hostnameKey } from '../model/device.ts';
import type { NewSyncEvent } from '../model/events.ts';
import { isNetsyncError } from '../model/errors.ts';
import type { Renderer, RenderTarget } from '../render/index.ts';
import type { Store } from '../model/store.ts';
import type { NetworkRecords } from './networkContext.ts';
import { networkContexts } from './networkContext.ts';

/** What an intended config is, per target, at the commits in force: its hash, or why it does not render. */
export interface IntendedConfigs {
  outcomes(targets: RenderTarget[]): Promise<string[]>;
}

export interface EventChange {
  /** The devices as they are before the event, and after it (interfaces may change). */
  before: Device[];
  after: Device[];
  records: { before: NetworkRecords; after: NetworkRecords };
}

/** Hostnames (keys) whose intended config the change alters; undefined: nothing to judge with, mark them all. */
export async function changedByEvent(configs: IntendedConfigs | undefined, change: EventChange): Promise<Set<string> | undefined> {
  if (!configs || change.before.length === 0) return configs ? new Set() : undefined;
  const targets = (devices: Device[], records: NetworkRecords): RenderTarget[] => {
    const contexts = networkContexts(devices, records);
    return devices.map((d) => ({
      hostname: d.hostname,
      type: d.type,
      platform: d.platform,
      groups: d.groups,
      managementIp: d.managementIp,
      network: contexts.get(hostnameKey(d.hostname))!,
    }));
  };
  const [then, now] = await Promise.all([
    configs.outcomes(targets(change.before, change.records.before)),
    configs.outcomes(targets(change.after, change.records.after)),
  ]);
  const changed = new Set<string>();
  change.before.forEach((d, i) => {
    if (then[i] !== now[i]) changed.add(hostnameKey(d.hostname));
  });
  return changed;
}

/** The current records, read once for an event. */
export async function networkRecords(store: Pick<Store, 'listRecords'>): Promise<NetworkRecords> {
  const [linknets, mgmtdomains] = await Promise.all([store.listRecords('linknets'), store.listRecords('mgmtdomains')]);
  return { linknets, mgmtdomains };
}

/** Splits an event's candidates: marked (changed, or not judged) and unchanged (history line only). */
export function splitByChange(candidates: string[], changed: Set<string> | undefined, judged: Set<string>): { mark: string[]; unchanged: string[] } {
  if (!changed) return { mark: candidates, unchanged: [] };
  const mark: string[] = [];
  const unchanged: string[] = [];
  // A candidate not judged beforehand (the inventory moved meanwhile) is marked: never a false negative.
  for (const h of candidates) (judged.has(hostnameKey(h)) && !changed.has(hostnameKey(h)) ? unchanged : mark).push(h);
  return { mark, unchanged };
}

export function unchangedEvents(hostnames: string[], by: string, detail: string, at: string): NewSyncEvent[] {
  return hostnames.map((hostname) => ({ hostname, cause: 'config_unchanged', by, at, clearedAt: at, detail: `${detail}: intended config unchanged` }));
}

/** Intended configs as the renderer makes them at the commits in force (a failed render counts by its message). */
export function intendedConfigsOf(renderer: Pick<Renderer, 'context'>): IntendedConfigs {
  return {
    async outcomes(targets) {
      const results = await (await renderer.context()).renderMany(targets);
      return results.map((r) => (isNetsyncError(r) ? `error: ${r.message}` : r.hash));
    },
  };
}
