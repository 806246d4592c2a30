/**
 * Maintenance windows: a window opens at each fire time of its cron and stays
 * open for its duration. Auto-sync runs only inside an allow window (when any
 * are given) and never inside a deny window. Pure.
 */
import cron from 'node-cron';
import type { ScheduledTask } from 'node-cron';
import { parseDuration } from '../model/duration.ts';
import { isNetsyncError, NetsyncError } from '../model/errors.ts';

export interface WindowSpec {
  cron: string;
  /** e.g. '2h', '30m' */
  duration: string;
}

export interface Windows {
  allow?: WindowSpec[];
  deny?: WindowSpec[];
}

/** A window's length in ms; a bad spelling is a config error naming the value. */
export function durationMs(text: string, key = 'duration'): number {
  try {
    const seconds = parseDuration(text, key);
    if (seconds > 0) return seconds * 1000;
  } catch (err) {
    if (!isNetsyncError(err)) throw err;
  }
  throw new NetsyncError('CONFIG_INVALID', `'${text}' is not a duration (use e.g. 90s, 30m, 1h, 1h30m or 2d)`, { key, value: text });
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** A window cron, parsed by node-cron once per expression; a bad one is a config error naming it. */
interface ParsedWindow {
  /** node-cron's own matcher (never started): decides the day fields, with their L, W and # forms. */
  matcher: ScheduledTask;
  /** The time-of-day fields, latest first. */
  hours: number[];
  minutes: number[];
  seconds: number[];
}

const parsedWindows = new Map<string, ParsedWindow>();

function parseWindow(expression: string): ParsedWindow {
  const known = parsedWindows.get(expression);
  if (known) return known;
  let parsed: ParsedWindow;
  try {
    const fields = cron.parse(expression);
    const latestFirst = (values: number[]) => [...values].sort((x, y) => y - x);
    parsed = {
      matcher: cron.createTask(expression, () => undefined),
      hours: latestFirst(fields.hour),
      minutes: latestFirst(fields.minute),
      seconds: latestFirst(fields.second),
    };
  } catch (err) {
    throw new NetsyncError('CONFIG_INVALID', `'${expression}' is not a cron expression (e.g. "0 2 * * *"): ${(err as Error).message}`, { cron: expression });
  }
  parsedWindows.set(expression, parsed);
  return parsed;
}

/** The latest fire time of `w` on the given local day at or before `now`, if any. */
function lastFireOnDay(w: ParsedWindow, year: number, month: number, day: number, now: number): number | undefined {
  const earliest = new Date(year, month, day, w.hours.at(-1), w.minutes.at(-1), w.seconds.at(-1));
  if (earliest.getTime() > now || !w.matcher.match(earliest)) return undefined; // the day's fields do not match
  for (const hour of w.hours) {
    for (const minute of w.minutes) {
      for (const second of w.seconds) {
        const at = new Date(year, month, day, hour, minute, second).getTime();
        if (at <= now) return at;
      }
    }
  }
  return undefined;
}

export function isInWindow(now: Date, window: WindowSpec): boolean {
  const length = durationMs(window.duration);
  // One dialect for schedules and windows: node-cron parses both and its matcher decides the days; the window opens
  // at the most recent fire time at or before now. Walk back a day at a time, no further than the window reaches.
  const parsed = parseWindow(window.cron);
  const t = now.getTime();
  for (let back = 0; back <= Math.ceil(length / DAY_MS) + 1; back++) {
    const day = new Date(now.getFullYear(), now.getMonth(), now.getDate() - back);
    const last = lastFireOnDay(parsed, day.getFullYear(), day.getMonth(), day.getDate(), t);
    if (last !== undefined) return t - last < length;
  }
  return false;
}

export function windowsAllow(now: Date, windows: Windows | undefined): boolean {
  if (!windows) return true;
  if (windows.deny?.some((w) => isInWindow(now, w))) return false;
  if (windows.allow && windows.allow.length > 0) return windows.allow.some((w) => isInWindow(now, w));
  return true;
}
