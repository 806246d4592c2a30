/** A cron expression (5 fields, or 6 with seconds first), checked when the config loads rather than when the schedule starts. */
import cron from 'node-cron';
import { z } from 'zod';

/** Whether node-cron, which runs the schedules and decides the windows, takes `pattern`. */
export function isCron(pattern: string): boolean {
  try {
    return cron.validate(pattern);
  } catch {
    return false; // node-cron throws on characters no cron field uses
  }
}

export function cronSchema(example: string) {
  return z.string().refine((v) => isCron(v), { message: `expected a cron expression such as "${example}"` });
}
