/**
 * Applies a plan: each device's steps against each system, with a result per
 * step. A failing system never stops the others; its failure is reported and
 * the membership record makes the next sync try again.
 */
import pLimit from 'p-limit';
import type { SourceName } from '../../model/device.ts';
import { isNetsyncError } from '../../model/errors.ts';
import type { InventorySource } from '../types.ts';
import type { ItemResult, StepResult } from './membership.ts';
import type { PlanItem, PlanStep } from './plan.ts';

export async function applyPlan(
  items: PlanItem[],
  systems: Partial<Record<SourceName, InventorySource>>,
  concurrency = 4,
): Promise<ItemResult[]> {
  const limit = pLimit(concurrency);
  const work = items.filter((i) => (i.action === 'add' || i.action === 'delete') && i.steps.length > 0);
  return Promise.all(
    work.map((item) =>
      limit(async (): Promise<ItemResult> => {
        const steps: StepResult[] = [];
        for (const step of item.steps) steps.push(await runStep(item, step, systems[step.source]));
        const failed = steps.filter((s) => s.status === 'failed').length;
        const status = failed === 0 ? 'done' : failed === steps.length ? 'failed' : 'partial';
        return { key: item.key, hostname: item.hostname, status, steps };
      }),
    ),
  );
}

async function runStep(item: PlanItem, step: PlanStep, system: InventorySource | undefined): Promise<StepResult> {
  const base = { source: step.source, op: step.op, name: step.name };
  try {
    if (!system) throw new Error(`no ${step.source} source is configured`);
    if (step.op === 'add') await system.add({ ...item.spec!, name: step.name });
    else await system.remove({ name: step.name, ...(step.ref !== undefined ? { ref: step.ref } : {}) });
    return { ...base, status: 'done' };
  } catch (err) {
    const code = isNetsyncError(err) ? err.code : 'INTERNAL';
    return { ...base, status: 'failed', error: { code, message: (err as Error).message } };
  }
}
