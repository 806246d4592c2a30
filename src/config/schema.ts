/**
 * netsync.yml, validated at start. Each section is strict, so a misspelt key
 * is named in the error instead of being silently ignored.
 */
import { z } from 'zod';
import { SCHEDULER_DEFAULTS, schedulerConfigSchema } from '../jobs/configSchema.ts';
import { ALARMS_DEFAULTS, alarmsConfigSchema } from '../alarms/configSchema.ts';
import { CHECKS_DEFAULTS, checksConfigSchema } from '../checks/configSchema.ts';
import { sourcesConfigSchema } from '../sources/configSchema.ts';
import { INTAKE_DEFAULTS, intakeConfigSchema, reposConfigSchema } from '../intake/configSchema.ts';
import { devicesConfigSchema } from '../drivers/configSchema.ts';
import { RENDER_DEFAULTS, renderConfigSchema } from '../render/configSchema.ts';
import { UI_DEFAULTS, uiConfigSchema } from '../ui/configSchema.ts';
import { storeConfigSchema } from '../store/configSchema.ts';
import { byteSizeSchema } from '../model/byteSizeSchema.ts';
import { roleSchema } from '../model/roles.ts';

export { roleSchema, type Role } from '../model/roles.ts';

const tokenSchema = z
  .object({
    name: z.string().min(1),
    token: z.string().min(16, 'tokens must be at least 16 characters'),
    role: roleSchema,
  })
  .strict();

export const configSchema = z
  .object({
    listen: z
      .object({
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8080),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 8080 }),
    /** Where the store, generated tokens and repo mirrors live. Relative paths are relative to the config file. */
    dataDir: z.string().default('.netsync'),
    /** lowdb (a JSON file in dataDir, the default) or postgres (docs/guides/storage.md). */
    store: storeConfigSchema.default({ kind: 'lowdb' }),
    api: z
      .object({
        /** Allow GET requests without a token (e.g. on a trusted management network). */
        openReads: z.boolean().default(false),
        bodyLimit: byteSizeSchema.default('1mb'),
        tokens: z.array(tokenSchema).default([]),
      })
      .strict()
      .default({ openReads: false, bodyLimit: '1mb', tokens: [] }),
    inventory: z
      .object({
        /** An inventory file imported at start when the store holds no devices. */
        seed: z.string().optional(),
      })
      .strict()
      .default({}),
    /** Inventory synchronization with NSO, NetBox and a BSS (docs/guides/inventory-sync.md). */
    sources: sourcesConfigSchema.optional(),
    /** Auto-sync schedule and windows (docs/guides/sync.md). */
    scheduler: schedulerConfigSchema.default(SCHEDULER_DEFAULTS),
    /** Unsynchronized-device alarm: thresholds, sweep, passive Nagios results, notifications, /metrics. */
    alarms: alarmsConfigSchema.default(ALARMS_DEFAULTS),
    /** Pull-request status checks: commit status + one PR comment on GitHub, Gitea/Forgejo, GitLab. */
    checks: checksConfigSchema.default(CHECKS_DEFAULTS),
    /** The settings and templates git repos (optional: without them no push is processed). */
    repos: reposConfigSchema.optional(),
    /** Time, memory and output budgets of each render and config diff (docs/guides/rendering.md). */
    render: renderConfigSchema.default(RENDER_DEFAULTS),
    /** Webhooks, polling fallback and the refresh queue. */
    intake: intakeConfigSchema.default(INTAKE_DEFAULTS),
    /** Device login and transaction defaults (docs/guides/transactions-reference.md). */
    devices: devicesConfigSchema.optional(),
    /** The web interface (docs/guides/web-ui.md). */
    ui: uiConfigSchema.default(UI_DEFAULTS),
    log: z
      .object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
      .strict()
      .default({ level: 'info' }),
  })
  .strict();

export type NetsyncConfig = z.infer<typeof configSchema>;
