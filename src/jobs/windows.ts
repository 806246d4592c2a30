/**
 * Maintenance windows: a window opens at each fire time of its cron and stays
 * open for its duration. Auto-sync runs only inside an allow window (when any
 * are given) and never inside a deny window. Pure.
 */
import { Cron } from 'croner';
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

export function isInWindow(now: Date, window: WindowSpec): boolean {
  const length = durationMs(window.duration);
  // One dialect for schedules and windows: croner runs the schedules and finds a window's last fire time.
  let last: Date;
  try {
    // The most recent fire time at or before now. Fire times are whole seconds and previousRuns() looks strictly
    // before its start, so start at the next whole second.
    const [previous] = new Cron(window.cron, { paused: true }).previousRuns(1, new Date(Math.floor(now.getTime() / 1000) * 1000 + 1000));
    if (!previous) return false;
    last = previous;
  } catch (err) {
    throw new NetsyncError('CONFIG_INVALID', `'${window.cron}' is not a cron expression (e.g. "0 2 * * *"): ${(err as Error).message}`, { cron: window.cron });
  }
  return now.getTime() - last.getTime() < length;
}

export function windowsAllow(now: Date, windows: Windows | undefined): boolean {
  if (!windows) return true;
  if (windows.deny?.some((w) => isInWindow(now, w))) return false;
  if (windows.allow && windows.allow.length > 0) return windows.allow.some((w) => isInWindow(now, w));
  return true;
}
