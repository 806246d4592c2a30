/** netsync.yml section `render`: the budgets every render and config diff runs under (docs/guides/rendering.md). */
import { z } from 'zod';
import { byteSizeSchema } from '../model/byteSizeSchema.ts';

export const RENDER_DEFAULTS = { timeoutMs: 2000, memoryMb: 256, maxOutput: '4mb', diffTimeoutMs: 2000 } as const;

export const renderConfigSchema = z
  .object({
    /** Longest one device's render may run; over it the device fails with RENDER_BUDGET_EXCEEDED. */
    timeoutMs: z.number().int().min(50).max(600_000).default(RENDER_DEFAULTS.timeoutMs),
    /** Heap cap of each render process (MB); a render over it fails, the process alone ends. */
    memoryMb: z.number().int().min(32).max(16_384).default(RENDER_DEFAULTS.memoryMb),
    /** Largest rendered config. */
    maxOutput: byteSizeSchema.default(RENDER_DEFAULTS.maxOutput),
    /** Longest a config diff may run; a bigger diff is reported as too large instead of shown. */
    diffTimeoutMs: z.number().int().min(10).max(600_000).default(RENDER_DEFAULTS.diffTimeoutMs),
  })
  .strict();

export type RenderConfig = z.infer<typeof renderConfigSchema>;

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** `4mb` -> bytes (the schema has checked the shape). */
export function byteCount(size: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(size.trim())!;
  return Math.floor(Number(m[1]) * UNITS[(m[2] ?? 'b').toLowerCase()]!);
}

/** The renderer's budget from the config section. */
export function renderBudget(config: RenderConfig): { timeoutMs: number; memoryMb: number; maxOutputBytes: number; diffTimeoutMs: number } {
  return { timeoutMs: config.timeoutMs, memoryMb: config.memoryMb, maxOutputBytes: byteCount(config.maxOutput), diffTimeoutMs: config.diffTimeoutMs };
}
