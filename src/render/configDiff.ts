/**
 * Config diffs under a time budget. jsdiff's Myers diff is O(N·D): two unrelated 20,000-line configs ran
 * for minutes on the main thread. Its `timeout` option stops it; a diff that does not finish in time is
 * reported as too large to show (the configs still count as different), never waited for.
 */
import { createTwoFilesPatch, structuredPatch } from 'diff';
import type { StructuredPatch } from 'diff';

export const DEFAULT_DIFF_TIMEOUT_MS = 2000;

export interface BoundedPatch {
  /** The unified diff, or a one-line note when it was too large to compute in time. */
  text: string;
  tooLarge: boolean;
}

/** The note shown instead of a diff that ran out of time. */
export function tooLargeNote(a: string, b: string, timeoutMs: number): string {
  return `# diff not shown: the configs (${lineCount(a)} and ${lineCount(b)} lines) differ too much to compare within ${timeoutMs} ms\n`;
}

export function boundedTwoFilesPatch(oldName: string, newName: string, a: string, b: string, timeoutMs = DEFAULT_DIFF_TIMEOUT_MS): BoundedPatch {
  const text = createTwoFilesPatch(oldName, newName, a, b, '', '', { context: 3, timeout: timeoutMs });
  return text === undefined ? { text: tooLargeNote(a, b, timeoutMs), tooLarge: true } : { text, tooLarge: false };
}

/** structuredPatch with the budget; undefined when it ran out of time. */
export function boundedStructuredPatch(
  oldName: string,
  newName: string,
  a: string,
  b: string,
  labels: { base: string; head: string },
  timeoutMs = DEFAULT_DIFF_TIMEOUT_MS,
): StructuredPatch | undefined {
  return structuredPatch(oldName, newName, a, b, labels.base, labels.head, { context: 3, timeout: timeoutMs });
}

function lineCount(text: string): number {
  return text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}
