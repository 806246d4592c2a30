/**
 * The reconcile planner (pure). It matches the devices every system lists by
 * hostname, case-insensitively, keeps each system's own spelling, compares
 * them with the membership recorded at the last sync, and decides per device:
 * add it where it is missing, delete it everywhere, or report it. Every add or
 * delete is verified first by asking the device who it is (IdentityProbe).
 *
 * Guards: a system that failed to load, or returned nothing while it held
 * devices at the last sync, takes no part (no adds to it, and its silence never
 * causes a delete). Unreachable devices are never added or deleted.
 */
import pLimit from 'p-limit';
import type { SourceName, Transport } from '../../model/device.ts';
import { HOSTNAME_PATTERN, SOURCE_NAMES, defaultTransport, hostnameKey } from '../../model/device.ts';
import type { DeviceSpec, SourceDevice } from '../types.ts';
import type { IdentityProbe, ProbeResult, ProbeTarget } from './identityProbe.ts';

export type SourceRead =
  { source: SourceName; ok: true; devices: SourceDevice[] } | { source: SourceName; ok: false; error: { code: string; message: string } };

/** Membership recorded at the last sync: which systems held the device, and where it lives. */
export interface KnownDevice {
  key: string;
  hostname: string;
  sources: Partial<Record<SourceName, { name: string }>>;
  managementIp?: string;
  port?: number;
  platform?: string;
  transport?: Transport;
  type?: string;
  /** Set once a delete was decided; kept until every system has let go of the device. */
  deleting?: { reason: string; since: string };
}

export type SourceStatus = 'ok' | 'empty' | 'failed';
export interface SourceSummary {
  source: SourceName;
  status: SourceStatus;
  count: number;
  error?: { code: string; message: string };
}

export type Intent = 'none' | 'add' | 'delete';
export type PlanAction = 'none' | 'add' | 'delete' | 'conflict' | 'unreachable';
export type ConflictKind = 'hostname_mismatch' | 'still_answers' | 'same_ip' | 'missing_address' | 'duplicate_name' | 'invalid_name';

export interface PlanStep {
  source: SourceName;
  op: 'add' | 'remove';
  /** The name the target system is addressed with: its own spelling for a remove. */
  name: string;
  ref?: string;
}

export interface Presence {
  present: boolean;
  name: string;
  ref?: string;
}

export interface PlanItem {
  key: string;
  hostname: string;
  /** What the systems ask for before verification. */
  intent: Intent;
  /** What will be done after verification. */
  action: PlanAction;
  reason: string;
  conflict?: ConflictKind;
  /** Presence in each system that took part, with its spelling; systems left out are in `deferred`. */
  presence: Partial<Record<SourceName, Presence>>;
  deferred: SourceName[];
  spec?: DeviceSpec;
  probe?: ProbeResult;
  steps: PlanStep[];
}

export interface Plan {
  sources: SourceSummary[];
  items: PlanItem[];
  summary: Record<PlanAction, number>;
}

export interface PlanInput {
  reads: SourceRead[];
  known: KnownDevice[];
  defaults: { platform: string; type: string };
}

export interface PlanOptions {
  probe: IdentityProbe;
  /** Devices probed at the same time. */
  concurrency?: number;
}

interface Draft {
  item: PlanItem;
  known?: KnownDevice;
  found: Partial<Record<SourceName, SourceDevice>>;
}

export async function planReconcile(input: PlanInput, options: PlanOptions): Promise<Plan> {
  const sources = summarizeSources(input.reads, input.known);
  const taking = sources.filter((s) => s.status === 'ok').map((s) => s.source);
  const deferred = sources.filter((s) => s.status !== 'ok').map((s) => s.source);
  const drafts = matchDevices(input, taking, deferred);
  for (const d of drafts.values()) decideIntent(d, taking);
  await verify([...drafts.values()], options);
  const items = [...drafts.values()].map((d) => d.item).sort((a, b) => a.key.localeCompare(b.key));
  const summary: Record<PlanAction, number> = { none: 0, add: 0, delete: 0, conflict: 0, unreachable: 0 };
  for (const i of items) summary[i.action] += 1;
  return { sources, items, summary };
}

/** A system that answered with nothing while it held devices at the last sync is suspect: it is left out. */
export function summarizeSources(reads: SourceRead[], known: KnownDevice[]): SourceSummary[] {
  return reads.map((r) => {
    if (!r.ok) return { source: r.source, status: 'failed', count: 0, error: r.error };
    const heldBefore = known.some((k) => k.sources[r.source]);
    const status: SourceStatus = r.devices.length === 0 && heldBefore ? 'empty' : 'ok';
    return { source: r.source, status, count: r.devices.length };
  });
}

function matchDevices(input: PlanInput, taking: SourceName[], deferred: SourceName[]): Map<string, Draft> {
  const drafts = new Map<string, Draft>();
  const draftFor = (key: string, hostname: string): Draft => {
    let d = drafts.get(key);
    if (!d) {
      d = { item: { key, hostname, intent: 'none', action: 'none', reason: '', presence: {}, deferred, steps: [] }, found: {} };
      drafts.set(key, d);
    }
    return d;
  };
  for (const read of input.reads) {
    if (!read.ok || !taking.includes(read.source)) continue;
    for (const device of read.devices) {
      const d = draftFor(hostnameKey(device.name), device.name);
      if (d.found[read.source]) {
        d.item.conflict = 'duplicate_name';
        d.item.reason = `${read.source} lists both '${d.found[read.source]!.name}' and '${device.name}'`;
        continue;
      }
      d.found[read.source] = device;
    }
  }
  for (const k of input.known) draftFor(k.key, k.hostname).known = k;
  for (const d of drafts.values()) {
    for (const s of taking) {
      const f = d.found[s];
      d.item.presence[s] = f ? { present: true, name: f.name, ...(f.ref !== undefined ? { ref: f.ref } : {}) } : { present: false, name: d.item.hostname };
    }
    d.item.hostname = preferredName(d);
    d.item.spec = mergeSpec(d, input.defaults);
  }
  return drafts;
}

/** netsync's own spelling first, then the systems in their fixed order, then the last recorded one. */
function preferredName(d: Draft): string {
  for (const s of SOURCE_NAMES) if (d.found[s]) return d.found[s].name;
  return d.known?.hostname ?? d.item.hostname;
}

function mergeSpec(d: Draft, defaults: PlanInput['defaults']): DeviceSpec | undefined {
  const layers = [...SOURCE_NAMES.map((s) => d.found[s]), d.known].filter((x) => x !== undefined);
  const pick = <K extends 'managementIp' | 'port' | 'platform' | 'transport' | 'type'>(k: K) => layers.find((l) => l[k] !== undefined)?.[k];
  const managementIp = pick('managementIp');
  if (!managementIp) return undefined;
  const platform = pick('platform') ?? defaults.platform;
  const transport = pick('transport') ?? defaultTransport(platform);
  const origin = SOURCE_NAMES.find((s) => d.found[s]) ?? SOURCE_NAMES.find((s) => d.known?.sources[s]) ?? 'ui';
  return {
    name: d.item.hostname,
    managementIp,
    port: pick('port') ?? (transport === 'netconf' ? 830 : 22),
    platform,
    transport,
    type: (pick('type') ?? defaults.type).toUpperCase(),
    origin,
  };
}

function decideIntent(d: Draft, taking: SourceName[]): void {
  const { item, known } = d;
  if (item.conflict === 'duplicate_name') {
    item.action = 'conflict';
    return;
  }
  const present = taking.filter((s) => item.presence[s]?.present);
  const removedFrom = taking.filter((s) => known?.sources[s] && !item.presence[s]?.present);
  if (known?.deleting || removedFrom.length > 0) {
    item.intent = 'delete';
    item.reason = removedFrom.length > 0 ? `removed from ${removedFrom.join(', ')}` : known!.deleting!.reason;
    item.steps = present.map((s) => ({ source: s, op: 'remove', name: item.presence[s]!.name, ...refOf(item.presence[s]!) }));
  } else if (present.length > 0) {
    const missing = taking.filter((s) => !item.presence[s]?.present);
    if (missing.length === 0) return;
    item.intent = 'add';
    item.reason = known ? `missing from ${missing.join(', ')}` : `new in ${present.join(', ')}`;
    item.steps = missing.map((s) => ({ source: s, op: 'add', name: item.hostname }));
  }
  if (item.steps.length === 0) {
    item.reason ||= 'not in any system';
    return;
  }
  if (item.intent === 'add' && !HOSTNAME_PATTERN.test(item.hostname)) {
    item.action = 'conflict';
    item.conflict = 'invalid_name';
    item.reason = `${item.reason}, but '${item.hostname}' is not a hostname netsync can manage (letters, digits, '.', '_', '-'; at most 63)`;
    item.steps = [];
    return;
  }
  if (!item.spec) {
    item.action = 'conflict';
    item.conflict = 'missing_address';
    item.reason = `${item.reason}, but no system gives its management address, so it cannot be verified`;
    item.steps = [];
  }
}

function refOf(p: Presence): { ref?: string } {
  return p.ref !== undefined ? { ref: p.ref } : {};
}

/** Probes each address once; names that share an address are settled by the name the device reports. */
async function verify(drafts: Draft[], options: PlanOptions): Promise<void> {
  const byAddress = new Map<string, Draft[]>();
  for (const d of drafts) {
    if (!d.item.spec || d.item.action === 'conflict') continue;
    const addr = `${d.item.spec.managementIp}:${d.item.spec.port}`;
    byAddress.set(addr, [...(byAddress.get(addr) ?? []), d]);
  }
  const limit = pLimit(options.concurrency ?? 8);
  const groups = [...byAddress.values()].filter((g) => g.some((d) => d.item.steps.length > 0));
  await Promise.all(
    groups.map((group) =>
      limit(async () => {
        const first = group.find((d) => d.item.steps.length > 0)!.item;
        const result = await safeProbe(options.probe, targetOf(first));
        for (const d of group) settle(d.item, result, group);
      }),
    ),
  );
}

function targetOf(item: PlanItem): ProbeTarget {
  const s = item.spec!;
  return { hostname: item.hostname, host: s.managementIp, port: s.port, platform: s.platform, transport: s.transport };
}

async function safeProbe(probe: IdentityProbe, target: ProbeTarget): Promise<ProbeResult> {
  try {
    return await probe.probe(target);
  } catch (err) {
    return { reachable: false, error: (err as Error).message };
  }
}

function settle(item: PlanItem, result: ProbeResult, group: Draft[]): void {
  const addr = item.spec!.managementIp;
  const shared = group.length > 1;
  // Only a device already in sync is looked at without steps: to report that its address answers as another name.
  if (item.steps.length === 0 && (item.intent !== 'none' || !shared)) return;
  item.probe = result;
  if (!result.reachable) {
    if (item.steps.length === 0) return;
    item.action = 'unreachable';
    item.reason = `${item.reason}; ${addr} is unreachable (${result.error}), retried next sync`;
    item.steps = [];
    return;
  }
  const answersAsThis = hostnameKey(result.hostname) === item.key;
  const owner = group.find((d) => d.item.key === hostnameKey(result.hostname));
  if (item.intent === 'delete') {
    if (answersAsThis) return conflict(item, 'still_answers', `${item.reason}, but ${addr} still answers as '${result.hostname}'`);
    item.action = 'delete';
    item.reason = `${item.reason}; ${addr} answers as '${result.hostname}'`;
    return;
  }
  if (answersAsThis) {
    if (item.intent === 'add') {
      item.action = 'add';
      item.reason = `${item.reason}; verified: ${addr} answers as '${result.hostname}'`;
    }
    return;
  }
  if (shared && owner) {
    return conflict(
      item,
      'same_ip',
      `${addr} is also listed as '${owner.item.hostname}' and answers as '${result.hostname}'; keeping '${owner.item.hostname}'`,
    );
  }
  if (item.intent === 'add') {
    conflict(item, 'hostname_mismatch', `${item.reason}, but ${addr} answers as '${result.hostname}'`);
  } else if (shared) {
    conflict(item, 'same_ip', `${addr} is shared with other names and answers as '${result.hostname}'`);
  }
}

function conflict(item: PlanItem, kind: ConflictKind, reason: string): void {
  item.action = 'conflict';
  item.conflict = kind;
  item.reason = reason;
  item.steps = [];
}
