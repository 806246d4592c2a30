/**
 * Config diffs under a time budget. jsdiff's Myers diff is O(N·D): two unrelated 20,000-line configs ran
 * for minutes on the main thread. Its `timeout` option stops it; a diff that does not finish in time is
 * reported as too large to show (the configs still count as different), never waited for.
 *
 * Where a diff runs is a ConfigDiffer: in the daemon and the CLI the render processes (src/renderhost/,
 * `Renderer.differ`), so the main thread never runs one; `inThreadDiffer` is for tests and tools.
 */
import { formatPatch, structuredPatch } from 'diff';
import type { StructuredPatch } from 'diff';

export const DEFAULT_DIFF_TIMEOUT_MS = 2000;

export interface BoundedPatch {
  /** The unified diff, or a one-line note when it was too large to compute in time. */
  text: string;
  tooLarge: boolean;
}

/** One diff: the two texts, their names in the patch header and the header labels (PR checks name the commits). */
export interface PatchRequest {
  oldName: string;
  newName: string;
  a: string;
  b: string;
  labels?: { base: string; head: string };
}

/** Computes structured patches under the diff budget (netsync.yml render.diffTimeoutMs). */
export interface ConfigDiffer {
  /** The budget of one diff (ms), named in the over-budget note. */
  readonly timeoutMs: number;
  /** The patch, or undefined when it did not finish within `timeoutMs`. */
  structuredPatch(request: PatchRequest): Promise<StructuredPatch | undefined>;
}

/** Diffs on the calling thread (tests, tools): each diff can hold it for up to `timeoutMs`. */
export function inThreadDiffer(timeoutMs = DEFAULT_DIFF_TIMEOUT_MS): ConfigDiffer {
  return { timeoutMs, structuredPatch: async (request) => boundedStructuredPatch(request, timeoutMs) };
}

/** The note shown instead of a diff that ran out of time. */
export function tooLargeNote(a: string, b: string, timeoutMs: number): string {
  return `# diff not shown: the configs (${lineCount(a)} and ${lineCount(b)} lines) differ too much to compare within ${timeoutMs} ms\n`;
}

/** A unified diff of two configs (as jsdiff's createTwoFilesPatch), or the over-budget note. */
export async function boundedTwoFilesPatch(differ: ConfigDiffer, oldName: string, newName: string, a: string, b: string): Promise<BoundedPatch> {
  const patch = await differ.structuredPatch({ oldName, newName, a, b });
  return patch === undefined ? { text: tooLargeNote(a, b, differ.timeoutMs), tooLarge: true } : { text: formatPatch(patch), tooLarge: false };
}

/** structuredPatch with the budget, on this thread; undefined when it ran out of time (the render processes run this). */
export function boundedStructuredPatch(request: PatchRequest, timeoutMs = DEFAULT_DIFF_TIMEOUT_MS): StructuredPatch | undefined {
  const { oldName, newName, a, b, labels } = request;
  return structuredPatch(oldName, newName, a, b, labels?.base ?? '', labels?.head ?? '', { context: 3, timeout: timeoutMs });
}

function lineCount(text: string): number {
  return text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}
