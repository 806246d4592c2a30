/** Config section `scheduler`: auto-sync of unsynchronized devices and the drift check (both off by default). */
import { z } from 'zod';
import { cronSchema } from '../model/cronSchema.ts';

// Windows and schedules speak one cron dialect (node-cron's), checked when the config loads.
const windowSchema = z.object({ cron: cronSchema('0 2 * * *'), duration: z.string().min(1) }).strict();

export const schedulerConfigSchema = z
  .object({
    autoSync: z
      .object({
        enabled: z.boolean().default(false),
        cron: cronSchema('*/5 * * * *').default('*/5 * * * *'),
        /** Sync only inside an allow window (if any are given) and never inside a deny window. */
        windows: z
          .object({ allow: z.array(windowSchema).optional(), deny: z.array(windowSchema).optional() })
          .strict()
          .optional(),
        comment: z.string().default('auto-sync'),
      })
      .strict()
      .default({ enabled: false, cron: '*/5 * * * *', comment: 'auto-sync' }),
    /** Reads every MANAGED synchronized device and marks the ones changed outside netsync (reads only). */
    driftCheck: z
      .object({
        enabled: z.boolean().default(false),
        cron: z.string().default('*/10 * * * *'),
        /** Devices read at once. */
        concurrency: z.number().int().min(1).max(500).default(20),
      })
      .strict()
      .default({ enabled: false, cron: '*/10 * * * *', concurrency: 20 }),
  })
  .strict();

export type SchedulerConfig = z.infer<typeof schedulerConfigSchema>;
export const SCHEDULER_DEFAULTS: SchedulerConfig = schedulerConfigSchema.parse({});
