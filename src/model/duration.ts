/**
 * Durations as people write them ('30m', '1h', '90s', '1h30m', '2d'): alarm thresholds, schedule windows.
 * Kept strict: a typo such as '1hr' is an error, never a silent default.
 */
import { NetsyncError } from './errors.ts';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };
const WHOLE = /^(?:\d+[smhd])+$/;
const PART = /(\d+)([smhd])/g;

/** '1h30m' -> 5400 (seconds). A bare number means seconds, as in the Monitoring Plugins guidelines. */
export function parseDuration(text: string, what = 'duration'): number {
  const t = text.trim().toLowerCase();
  if (/^\d+$/.test(t)) return Number(t);
  if (!WHOLE.test(t)) {
    throw new NetsyncError('VALIDATION_FAILED', `${what} '${text}' is not a duration; write e.g. 90s, 30m, 1h, 1h30m or 2d`, { [what]: text });
  }
  let seconds = 0;
  for (const [, n, unit] of t.matchAll(PART)) seconds += Number(n) * UNIT_SECONDS[unit!]!;
  return seconds;
}

/** 5400 -> '1h30m', 3600 -> '1h', 45 -> '45s': the shortest exact spelling, for plugin output. */
export function formatDuration(seconds: number): string {
  let rest = Math.max(0, Math.floor(seconds));
  if (rest === 0) return '0s';
  let out = '';
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return out;
}
