/** A node-cron expression (5 fields, or 6 with seconds), checked when the config loads rather than when the schedule starts. */
import { validate as validCron } from 'node-cron';
import { z } from 'zod';

export function cronSchema(example: string) {
  return z.string().refine((v) => validCron(v), { message: `expected a cron expression such as "${example}"` });
}
