/** What the renderer hands its executor (the render processes, src/renderhost/): a job and its budget. */
import type { InputLimits } from './inputLimits.ts';
import type { RenderTarget } from './renderConfig.ts';
import type { SettingsDoc } from './settingsSnapshot.ts';

export interface RenderBudget {
  /** Longest one device's render may take (ms). */
  timeoutMs: number;
  /** Heap cap of a render process (MB). */
  memoryMb: number;
  /** Largest rendered config (bytes). */
  maxOutputBytes: number;
  /** Longest one config diff may take (ms); over it the diff is reported as too large to show. */
  diffTimeoutMs: number;
}

export const DEFAULT_RENDER_BUDGET: RenderBudget = { timeoutMs: 2000, memoryMb: 256, maxOutputBytes: 4 * 1024 * 1024, diffTimeoutMs: 2000 };

export interface RenderJob {
  settings: { sha: string; files: Map<string, string> };
  templates: { sha: string; files: Map<string, string> };
  devices: RenderTarget[];
  secrets: Record<string, string>;
  defaults?: SettingsDoc;
  /** The input limits the commits are parsed under (netsync.yml `repos.limits`; default DEFAULT_INPUT_LIMITS). */
  limits?: InputLimits;
  /** The template a device renders, named in budget errors. */
  templateOf(device: RenderTarget): string;
}
