/**
 * Applies a plan: every system works through its own list of steps, all
 * systems at once, with a result per step. A failing system never stops the
 * others; its failure is reported and the membership record makes the next
 * sync try again. A system that can take many changes in one go (netsync's
 * own store: one write) gets them as one batch, step by step only if that fails.
 */
import pLimit from 'p-limit';
import type { SourceName } from '../../model/device.ts';
import { isNetsyncError } from '../../model/errors.ts';
import type { InventorySource } from '../types.ts';
import type { ItemResult, StepResult } from './membership.ts';
import type { PlanItem, PlanStep } from './plan.ts';

interface Op {
  item: PlanItem;
  step: PlanStep;
  result?: StepResult;
}

export async function applyPlan(items: PlanItem[], systems: Partial<Record<SourceName, InventorySource>>, concurrency = 4): Promise<ItemResult[]> {
  const work = items.filter((i) => (i.action === 'add' || i.action === 'delete') && i.steps.length > 0);
  const ops = work.flatMap((item) => item.steps.map((step): Op => ({ item, step })));
  const bySource = new Map<SourceName, Op[]>();
  for (const op of ops) bySource.set(op.step.source, [...(bySource.get(op.step.source) ?? []), op]);
  await Promise.all([...bySource].map(([source, list]) => runSource(systems[source], list, concurrency)));
  return work.map((item) => {
    const steps = ops.filter((o) => o.item === item).map((o) => o.result!);
    const failed = steps.filter((s) => s.status === 'failed').length;
    const status = failed === 0 ? 'done' : failed === steps.length ? 'failed' : 'partial';
    return { key: item.key, hostname: item.hostname, status, steps };
  });
}

async function runSource(system: InventorySource | undefined, ops: Op[], concurrency: number): Promise<void> {
  const adds = ops.filter((o) => o.step.op === 'add');
  const removes = ops.filter((o) => o.step.op === 'remove');
  const batched = async (list: Op[], batch: (() => Promise<void>) | undefined) => {
    if (!batch || list.length < 2) return false;
    try {
      await batch();
    } catch {
      return false; // one bad entry must not fail the others: retry them one by one for per-step results
    }
    for (const o of list) o.result = { source: o.step.source, op: o.step.op, name: o.step.name, status: 'done' };
    return true;
  };
  const addAll = system?.addMany ? () => system.addMany!(adds.map((o) => specOf(o))) : undefined;
  const removeAll = system?.removeMany ? () => system.removeMany!(removes.map((o) => targetOf(o.step))) : undefined;
  const done = new Set<Op>();
  if (await batched(adds, addAll)) adds.forEach((o) => done.add(o));
  if (await batched(removes, removeAll)) removes.forEach((o) => done.add(o));
  const limit = pLimit(concurrency);
  await Promise.all(ops.filter((o) => !done.has(o)).map((o) => limit(async () => (o.result = await runStep(o, system)))));
}

function specOf(o: Op) {
  return { ...o.item.spec!, name: o.step.name };
}

function targetOf(step: PlanStep) {
  return { name: step.name, ...(step.ref !== undefined ? { ref: step.ref } : {}) };
}

async function runStep(o: Op, system: InventorySource | undefined): Promise<StepResult> {
  const base = { source: o.step.source, op: o.step.op, name: o.step.name };
  try {
    if (!system) throw new Error(`no ${o.step.source} source is configured`);
    if (o.step.op === 'add') await system.add(specOf(o));
    else await system.remove(targetOf(o.step));
    return { ...base, status: 'done' };
  } catch (err) {
    const code = isNetsyncError(err) ? err.code : 'INTERNAL';
    return { ...base, status: 'failed', error: { code, message: (err as Error).message } };
  }
}
