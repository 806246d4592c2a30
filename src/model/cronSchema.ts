/** A cron expression (5 fields, or 6 with seconds first), checked when the config loads rather than when the schedule starts. */
import { Cron } from 'croner';
import { z } from 'zod';

/** Whether croner, which runs the schedules, takes `pattern`. */
export function isCron(pattern: string): boolean {
  try {
    new Cron(pattern, { paused: true });
    return true;
  } catch {
    return false;
  }
}

export function cronSchema(example: string) {
  return z.string().refine((v) => isCron(v), { message: `expected a cron expression such as "${example}"` });
}
