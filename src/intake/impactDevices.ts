/**
 * The devices a settings change can reach, read from the store as narrowly as the rules allow: a change
 * under devices/<h>/ reads one device instead of copying the whole inventory (which at 10,000 devices costs
 * more than the rest of the refresh). Always a superset: impact re-applies the rules to what this returns.
 */
import type { Selector, SettingsRule } from '../impact/index.ts';
import { selectorKey, selectorsFor } from '../impact/index.ts';
import type { Device } from '../model/device.ts';
import type { RepoKind } from '../render/index.ts';
import type { Store } from '../model/store.ts';

/** Past this many distinct selectors one full listing is cheaper than many filtered ones. */
const MAX_NARROW_QUERIES = 16;

export async function devicesForChange(store: Store, repo: RepoKind, changedPaths: string[], rules: SettingsRule[]): Promise<Device[]> {
  if (repo !== 'settings') return store.listDevices();
  const selectors = new Map<string, Selector>();
  for (const path of changedPaths) for (const { selector } of selectorsFor(path, rules)) selectors.set(selectorKey(selector), selector);
  if (selectors.has('all') || selectors.size > MAX_NARROW_QUERIES) return store.listDevices();
  const found = new Map<string, Device>();
  for (const s of selectors.values()) {
    if (s === 'all') continue;
    const lists = s.hostname
      ? [(await Promise.all(s.hostname.map((h) => store.getDevice(h)))).filter((d): d is Device => d !== undefined)]
      : s.group
        ? await Promise.all(s.group.map((group) => store.listDevices({ group })))
        : await Promise.all((s.type ?? []).map((type) => store.listDevices({ type })));
    for (const d of lists.flat()) found.set(d.hostname.toLowerCase(), d);
  }
  return [...found.values()];
}
