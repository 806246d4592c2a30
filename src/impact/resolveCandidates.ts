/**
 * The fast upper bound: changed paths -> devices, by the settings rules or the template index. Synchronous
 * and allocation-light (paths are grouped by the selector they produce before devices are looked up).
 */
import type { ImpactDevice } from './deviceIndex.ts';
import { DeviceIndex } from './deviceIndex.ts';
import type { Selector, SettingsRule } from './settingsRules.ts';
import { selectorKey, selectorsFor } from './settingsRules.ts';
import type { TemplateIndex, TemplateUse } from './templateIndex.ts';

export type ImpactRepo = 'settings' | 'templates';

export interface ImpactReason {
  path: string;
  /** The rule that selected the device: `settings rule groups/{group}/**`, `eos/mapping.yml ACCESS entrypoint`, ... */
  rule: string;
}

export interface Candidate<D extends ImpactDevice = ImpactDevice> {
  device: D;
  /** At most MAX_REASONS, in path order; `reasonCount` has the full number. */
  reasons: ImpactReason[];
  reasonCount: number;
}

export interface CandidateResult<D extends ImpactDevice = ImpactDevice> {
  candidates: Candidate<D>[];
  /** Changed paths no rule covers (README.md ...): they affect nothing. */
  unmatchedPaths: string[];
}

export const MAX_REASONS = 10;

export interface CandidateInput<D extends ImpactDevice = ImpactDevice> {
  repo: ImpactRepo;
  changedPaths: string[];
  devices: D[] | DeviceIndex<D>;
  rules?: SettingsRule[];
  /** Template indexes of the commits on both sides (a deleted include only shows in `before`). */
  templateIndexes?: TemplateIndex[];
  /** Extra uses for paths no index lists yet (a new file matching a glob dependency). */
  templateGlobUses?: (path: string) => TemplateUse[];
}

interface Hit<D extends ImpactDevice> {
  resolve: (index: DeviceIndex<D>) => D[];
  reasons: ImpactReason[];
}

export function resolveCandidates<D extends ImpactDevice>(input: CandidateInput<D>): CandidateResult<D> {
  const index = input.devices instanceof DeviceIndex ? input.devices : new DeviceIndex(input.devices);
  const hits = new Map<string, Hit<D>>();
  const unmatchedPaths: string[] = [];
  const paths = [...new Set(input.changedPaths)].sort();
  for (const path of paths) {
    const found = input.repo === 'settings' ? settingsHits(path, input.rules ?? [], hits) : templateHits(path, input, hits);
    if (!found) unmatchedPaths.push(path);
  }
  // Keyed by object: the index holds each device once, so identity is the hostname without lower-casing 10,000 strings.
  const byHost = new Map<D, Candidate<D>>();
  for (const hit of hits.values()) {
    for (const device of hit.resolve(index)) {
      let c = byHost.get(device);
      if (!c) byHost.set(device, (c = { device, reasons: [], reasonCount: 0 }));
      c.reasonCount += hit.reasons.length;
      for (let i = 0; i < hit.reasons.length && c.reasons.length < MAX_REASONS; i++) c.reasons.push(hit.reasons[i]!);
    }
  }
  return { candidates: [...byHost.values()], unmatchedPaths };
}

function addHit<D extends ImpactDevice>(hits: Map<string, Hit<D>>, key: string, resolve: Hit<D>['resolve'], reason: ImpactReason): void {
  const hit = hits.get(key);
  if (hit) hit.reasons.push(reason);
  else hits.set(key, { resolve, reasons: [reason] });
}

function settingsHits<D extends ImpactDevice>(path: string, rules: SettingsRule[], hits: Map<string, Hit<D>>): boolean {
  let found = false;
  for (const { rule, selector } of selectorsFor(path, rules)) {
    found = true;
    addHit(hits, `${rule.path}|${selectorKey(selector)}`, (index) => select(index, selector), { path, rule: `settings rule ${rule.path}` });
  }
  return found;
}

function templateHits<D extends ImpactDevice>(path: string, input: CandidateInput<D>, hits: Map<string, Hit<D>>): boolean {
  const uses = new Map<string, TemplateUse>();
  for (const idx of input.templateIndexes ?? []) for (const u of idx.get(path) ?? []) uses.set(`${u.platform}|${u.type}|${u.via}`, u);
  for (const u of input.templateGlobUses?.(path) ?? []) uses.set(`${u.platform}|${u.type}|${u.via}`, u);
  for (const u of uses.values()) {
    addHit(hits, `${u.platform}|${u.type}|${u.via}`, (index) => index.ofPlatformType(u.platform, u.type), {
      path,
      rule: `${u.platform}/mapping.yml ${u.type} ${u.via}`,
    });
  }
  return uses.size > 0;
}

function select<D extends ImpactDevice>(index: DeviceIndex<D>, selector: Selector): D[] {
  if (selector === 'all') return index.all;
  // Fields combine with AND; values within a field with OR. Start from the narrowest lookup.
  let pool: D[] | undefined;
  if (selector.hostname) pool = selector.hostname.map((h) => index.named(h)).filter((d): d is D => d !== undefined);
  else if (selector.group) pool = selector.group.flatMap((g) => index.inGroup(g));
  else if (selector.type) pool = selector.type.flatMap((t) => index.ofType(t));
  if (!pool) return [];
  const types = selector.type?.map((t) => t.toUpperCase());
  const groups = selector.group?.map((g) => g.toLowerCase());
  return pool.filter((d) => (!types || types.includes(d.type.toUpperCase())) && (!groups || d.groups.some((g) => groups.includes(g.toLowerCase()))));
}
