/** Config section `scheduler`: auto-sync of unsynchronized devices (off by default) and its windows. */
import { z } from 'zod';

const windowSchema = z.object({ cron: z.string().min(1), duration: z.string().min(1) }).strict();

export const schedulerConfigSchema = z
  .object({
    autoSync: z
      .object({
        enabled: z.boolean().default(false),
        cron: z.string().default('*/5 * * * *'),
        /** Sync only inside an allow window (if any are given) and never inside a deny window. */
        windows: z.object({ allow: z.array(windowSchema).optional(), deny: z.array(windowSchema).optional() }).strict().optional(),
        comment: z.string().default('auto-sync'),
      })
      .strict()
      .default({ enabled: false, cron: '*/5 * * * *', comment: 'auto-sync' }),
  })
  .strict();

export type SchedulerConfig = z.infer<typeof schedulerConfigSchema>;
export const SCHEDULER_DEFAULTS: SchedulerConfig = schedulerConfigSchema.parse({});
