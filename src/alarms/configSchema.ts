/** The `alarms` section of netsync.yml (docs/design/architecture.md §8). Durations are strings such as '30m', '1h'. */
import { z } from 'zod';
import { cronSchema } from '../model/cronSchema.ts';
import { parseDuration } from '../model/duration.ts';

function seconds(v: string): number | undefined {
  try {
    return parseDuration(v);
  } catch {
    return undefined;
  }
}

const duration = z.string().refine((v) => seconds(v) !== undefined, { message: "expected a duration such as '90s', '30m', '1h' or '1h30m'" });

const targetSchema = z
  .object({
    name: z.string().min(1).optional(),
    url: z.url({ protocol: /^https?$/ }),
    /** generic: netsync's JSON; alertmanager: the Alertmanager v2 `POST /api/v2/alerts` body. */
    kind: z.enum(['generic', 'alertmanager']).default('generic'),
    /** Lowest level that notifies. */
    level: z.enum(['warning', 'critical']).default('critical'),
    /** Send again while a device stays in alarm. */
    reminder: duration.default('4h'),
    /** Extra request headers, e.g. Authorization: "Bearer ${ALERT_TOKEN}". */
    headers: z.record(z.string(), z.string()).default({}),
  })
  .strict();

export const alarmsConfigSchema = z
  .object({
    warning: duration.default('30m'),
    critical: duration.default('1h'),
    /** Cron expression (5 fields, or 6 with seconds first) for the alarm sweep. */
    sweep: cronSchema('* * * * *').default('* * * * *'),
    passive: z
      .object({
        /** Nagios/Icinga external command file (a FIFO), e.g. /var/lib/nagios4/rw/nagios.cmd. */
        commandFile: z.string().min(1),
        host: z.string().min(1),
        service: z.string().min(1).default('netsync-unsynced'),
      })
      .strict()
      .optional(),
    notifications: z.array(targetSchema).default([]),
    metrics: z
      .object({
        /** Serve /metrics (no auth unless `token` is set). */
        enabled: z.boolean().default(true),
        /** Optional bearer token Prometheus must send (authorization.credentials in scrape_config). */
        token: z.string().min(16, 'tokens must be at least 16 characters').optional(),
      })
      .strict()
      .default({ enabled: true }),
  })
  .strict()
  .refine(
    (a) => {
      const [w, c] = [seconds(a.warning), seconds(a.critical)];
      return w === undefined || c === undefined || w <= c; // bad durations are reported on their own key
    },
    {
      message: 'alarms.warning must not be longer than alarms.critical',
      path: ['warning'],
    },
  );

export type AlarmsConfig = z.infer<typeof alarmsConfigSchema>;

export const ALARMS_DEFAULTS = alarmsConfigSchema.parse({});
