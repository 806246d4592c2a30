/**
 * What the reconcile records after applying a plan (pure): the membership
 * each device has now, which the next sync compares against. Only what was
 * done moves it: a device that was reported (conflict, unreachable) keeps its
 * old record so the same question is asked again next time.
 */
import type { SourceName } from '../../model/device.ts';
import type { KnownDevice, PlanItem, Presence } from './plan.ts';

export interface StepResult {
  source: SourceName;
  op: 'add' | 'remove';
  name: string;
  status: 'done' | 'failed';
  error?: { code: string; message: string };
}

export interface ItemResult {
  key: string;
  hostname: string;
  status: 'done' | 'partial' | 'failed' | 'skipped';
  steps: StepResult[];
}

export interface MembershipChange {
  put: KnownDevice[];
  drop: string[];
}

/** Presence in each system that took part, after the steps that succeeded. */
export function presenceAfter(item: PlanItem, result: ItemResult | undefined): Partial<Record<SourceName, Presence>> {
  const after: Partial<Record<SourceName, Presence>> = {};
  for (const [s, p] of Object.entries(item.presence) as [SourceName, Presence][]) {
    const step = result?.steps.find((r) => r.source === s && r.status === 'done');
    if (step?.op === 'remove') after[s] = { present: false, name: p.name };
    else if (step?.op === 'add') after[s] = { present: true, name: step.name };
    else after[s] = p;
  }
  return after;
}

export function nextMembership(items: PlanItem[], results: ItemResult[], known: KnownDevice[], now: Date): MembershipChange {
  const change: MembershipChange = { put: [], drop: [] };
  const knownByKey = new Map(known.map((k) => [k.key, k]));
  const resultByKey = new Map(results.map((r) => [r.key, r]));
  for (const item of items) {
    if (item.action === 'conflict' || item.action === 'unreachable') continue;
    const previous = knownByKey.get(item.key);
    const sources: KnownDevice['sources'] = {};
    for (const [s, p] of Object.entries(presenceAfter(item, resultByKey.get(item.key))) as [SourceName, Presence][]) {
      if (p.present) sources[s] = { name: p.name };
    }
    // Systems that took no part keep what they had: their silence says nothing.
    for (const s of item.deferred) if (previous?.sources[s]) sources[s] = previous.sources[s];
    if (Object.keys(sources).length === 0) {
      if (previous) change.drop.push(item.key);
      continue;
    }
    const spec = item.spec;
    change.put.push({
      key: item.key,
      hostname: item.hostname,
      sources,
      ...(spec ? { managementIp: spec.managementIp, port: spec.port, platform: spec.platform, transport: spec.transport, type: spec.type } : {}),
      ...(item.intent === 'delete' ? { deleting: previous?.deleting ?? { reason: item.reason, since: now.toISOString() } } : {}),
    });
  }
  return change;
}
