/** The `sources` section of netsync.yml: which external inventories take part and how to reach them. */
import { z } from 'zod';
import type { DevicesConfig } from '../drivers/configSchema.ts';
import { cronSchema } from '../model/cronSchema.ts';
import { NSO_ACTIONS } from './nsoSource.ts';

/** fetch refuses a URL with user:password (and its error would quote them): credentials go in their own keys. */
const sourceUrl = z.url().refine((u) => !/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(u), {
  message: 'must not contain user:password; use the username/password or token keys',
});

const ref = z.union([z.number().int().positive(), z.record(z.string(), z.string())]);

export const nsoConfigSchema = z
  .object({
    /** NSO's base URL, e.g. https://nso.example:8888 (RESTCONF lives under /restconf). */
    url: sourceUrl,
    username: z.string().min(1),
    password: z.string().min(1),
    authgroup: z.string().min(1).default('default'),
    /** ned-id per netsync platform, e.g. {eos: 'arista-dcs-cli-5.x'}; others are added as plain NETCONF devices. */
    nedIds: z.record(z.string(), z.string()).default({}),
    adminState: z.enum(['unlocked', 'southbound-locked', 'locked']).default('unlocked'),
    /** Actions run on each device netsync adds, in order, e.g. [fetch-host-keys, sync-from]. */
    actionsAfterAdd: z.array(z.enum(NSO_ACTIONS)).default([]),
  })
  .strict();

export const netboxConfigSchema = z
  .object({
    url: sourceUrl,
    token: z.string().min(1),
    tokenScheme: z.enum(['Token', 'Bearer']).default('Token'),
    pageSize: z.number().int().min(1).max(1000).default(100),
    /** Device-list filters (NetBox query parameters), e.g. {tag: netsync}. */
    filters: z.record(z.string(), z.union([z.string(), z.array(z.string())])).default({}),
    /** Custom field holding the management port (NetBox has none of its own); read on list, set on create. */
    portField: z.string().min(1).optional(),
    /** Needed to create devices in NetBox: ids, or attributes NetBox can look up ({slug: lab}). */
    create: z
      .object({
        site: ref,
        role: ref,
        deviceType: ref,
        status: z.string().default('active'),
        platforms: z.record(z.string(), ref).default({}),
        /** Interface (created, mgmt_only) that carries the management address as the device's primary IP. */
        managementInterface: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const bssConfigSchema = z
  .object({
    /** The collection URL: GET lists, POST creates, DELETE <url>/<id> removes. */
    url: sourceUrl,
    token: z.string().min(1).optional(),
    authHeader: z.string().min(1).default('Authorization'),
    authScheme: z.string().default('Bearer'),
    itemsField: z.string().min(1).optional(),
    /** Paged lists: the dotted path of the next page's URL in each answer. */
    nextField: z.string().min(1).optional(),
    idField: z.string().min(1).optional(),
    fields: z
      .object({
        name: z.string().min(1).default('name'),
        managementIp: z.string().min(1).optional(),
        port: z.string().min(1).optional(),
        platform: z.string().min(1).optional(),
        type: z.string().min(1).optional(),
      })
      .strict()
      .default({ name: 'name' }),
    extra: z.record(z.string(), z.unknown()).default({}),
  })
  .strict()
  // A bare array has nowhere to put the next page's URL.
  .refine((b) => !b.nextField || b.itemsField, { message: 'nextField needs itemsField (the records sit beside the next link)', path: ['nextField'] });

export const sourcesConfigSchema = z
  .object({
    /** Cron expression for a scheduled sync (5 fields, or 6 with seconds first); none: only on demand. */
    schedule: cronSchema('*/15 * * * *').optional(),
    /** Client timeout for each HTTP request to a source. */
    timeoutMs: z.number().int().positive().default(10_000),
    /** Platform and type for devices whose sources do not say. */
    defaults: z
      .object({ platform: z.string().min(1).default('eos'), type: z.string().min(1).default('ACCESS') })
      .strict()
      .default({ platform: 'eos', type: 'ACCESS' }),
    /** How the SSH verification logs in to devices. */
    ssh: z
      .object({
        username: z.string().min(1),
        password: z.string().optional(),
        privateKeyFile: z.string().optional(),
        passphrase: z.string().optional(),
        connectTimeoutMs: z.number().int().positive().default(10_000),
      })
      .strict()
      .optional(),
    probeConcurrency: z.number().int().min(1).max(256).default(8),
    nso: nsoConfigSchema.optional(),
    netbox: netboxConfigSchema.optional(),
    bss: bssConfigSchema.optional(),
  })
  .strict();

export type SourcesConfig = z.infer<typeof sourcesConfigSchema>;

/** The SSH identity check logs in like every device session unless `sources.ssh` says otherwise. */
export function withDeviceLogin(sources: SourcesConfig, devices: DevicesConfig | undefined): SourcesConfig {
  if (sources.ssh || !devices) return sources;
  const ssh = {
    username: devices.username,
    connectTimeoutMs: devices.connectTimeoutMs,
    ...(devices.password !== undefined ? { password: devices.password } : {}),
    ...(devices.privateKeyFile !== undefined ? { privateKeyFile: devices.privateKeyFile } : {}),
    ...(devices.passphrase !== undefined ? { passphrase: devices.passphrase } : {}),
  };
  return { ...sources, ssh };
}
