/** netsync.yml sections `repos` (the settings and templates repos) and `intake` (webhooks, polling, queue). */
import { isCron } from '../model/cronSchema.ts';
import { z } from 'zod';
import { byteSizeSchema } from '../model/byteSizeSchema.ts';

const repoSchema = z
  .object({
    /** A local repo folder (bare or working), read in place. */
    path: z.string().min(1).optional(),
    /** file://, http:// or https:// (mirrored into dataDir/repos/<name>.git). */
    url: z.string().min(1).optional(),
    branch: z.string().min(1).default('main'),
    /** Access token for http(s) (use `${ENV}`); sent as basic-auth password. */
    token: z.string().min(1).optional(),
    /** Names a webhook payload may use for this repo (`org/settings`); the URL and the key name always match. */
    names: z.array(z.string().min(1)).default([]),
    /** Webhook secrets; several are allowed so a secret can be rotated without downtime. */
    webhookSecrets: z.array(z.string().min(8, 'webhook secrets must be at least 8 characters')).default([]),
  })
  .strict()
  .refine((r) => Boolean(r.path) !== Boolean(r.url), { message: 'give exactly one of path or url' });

export type RepoConfig = z.infer<typeof repoSchema>;

/** What a push may hand netsync to parse (docs/guides/security.md); over a limit the push is rejected. */
export const REPO_LIMITS_DEFAULTS = { fileSize: '1mb', repoSize: '64mb', yamlAliases: 100, yamlDepth: 64 } as const;
export const repoLimitsSchema = z
  .object({
    /** Largest file in the settings or templates repo. */
    fileSize: byteSizeSchema.default(REPO_LIMITS_DEFAULTS.fileSize),
    /** Largest repo snapshot (all files of one commit). */
    repoSize: byteSizeSchema.default(REPO_LIMITS_DEFAULTS.repoSize),
    /** YAML aliases one file may expand (billion laughs). */
    yamlAliases: z.number().int().min(0).default(REPO_LIMITS_DEFAULTS.yamlAliases),
    /** Deepest nesting of mappings and lists in one YAML file. */
    yamlDepth: z.number().int().min(1).max(10_000).default(REPO_LIMITS_DEFAULTS.yamlDepth),
  })
  .strict();
export type RepoLimitsConfig = z.infer<typeof repoLimitsSchema>;

export const reposConfigSchema = z
  .object({
    settings: repoSchema,
    templates: repoSchema,
    /** Settings path rules (default: the shipped mapping/settings.yml). */
    rules: z.string().optional(),
    /** Input limits on both repos (sizes, YAML aliases and depth). */
    limits: repoLimitsSchema.default(REPO_LIMITS_DEFAULTS),
  })
  .strict();

export type ReposConfig = z.infer<typeof reposConfigSchema>;

export const intakeConfigSchema = z
  .object({
    /** Cron expression for the polling fallback (seconds field allowed), or false to disable polling. */
    poll: z.union([z.string().refine((v) => isCron(v), 'not a valid cron expression'), z.literal(false)]).default('*/5 * * * *'),
    /** Pending refreshes the queue holds before webhooks get 503. */
    queueSize: z.number().int().min(1).default(100),
    /** Largest webhook body accepted (413 above). */
    bodyLimit: byteSizeSchema.default('5mb'),
    /** Render candidates before and after and mark only devices whose config changed. */
    precise: z.boolean().default(true),
  })
  .strict();

export const INTAKE_DEFAULTS = { poll: '*/5 * * * *', queueSize: 100, bodyLimit: '5mb', precise: true } as const;
export type IntakeConfig = z.infer<typeof intakeConfigSchema>;
