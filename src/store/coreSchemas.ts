/**
 * Schemas of what the store itself holds (devices, sync events) and of the collections declared in store.ts
 * (jobs, linknets, management domains). Feature modules declare theirs beside their `Collections` entry.
 */
import { z } from 'zod';
import type { Device, DeviceInterface, LastEventSummary, SourcePresence } from '../model/device.ts';
import { DEVICE_STATES, SOURCE_NAMES, TRANSPORTS } from '../model/device.ts';
import type { SyncEvent } from '../model/events.ts';
import { RECORD_KINDS, SYNC_CAUSES } from '../model/events.ts';
import type { DeviceJobResult, Job } from '../model/job.ts';
import { JOB_STATUSES } from '../model/job.ts';
import type { Linknet, MgmtDomain } from '../model/network.ts';
import { PHASES, ROLLBACK_STATUSES } from '../model/transaction.ts';
import { errorCodeSchema, isoTime, keyedRecord, recordSchema } from '../model/schemaKit.ts';

const nullableTime = isoTime.nullable();

const sourcePresence = recordSchema<SourcePresence>()(z.object({ present: z.boolean(), name: z.string() }));

const lastEvent = recordSchema<LastEventSummary>()(
  z.object({ cause: z.string(), by: z.string(), at: isoTime, commit: z.string().optional(), detail: z.string().optional() }),
);

const deviceInterface = recordSchema<DeviceInterface>()(
  z.object({
    name: z.string().min(1),
    description: z.string().optional(),
    vlan: z.number().int().optional(),
    mode: z.enum(['access', 'trunk', 'routed']).optional(),
    enabled: z.boolean().optional(),
  }),
);

export const deviceSchema = recordSchema<Device>()(
  z.object({
    hostname: z.string().min(1),
    managementIp: z.string().min(1),
    port: z.number().int().min(1).max(65535),
    platform: z.string().min(1),
    transport: z.enum(TRANSPORTS),
    type: z.string().min(1),
    groups: z.array(z.string()),
    state: z.enum(DEVICE_STATES),
    synchronized: z.boolean(),
    unsyncedSince: nullableTime,
    configHash: z.string().nullable(),
    lastSyncedAt: nullableTime,
    hostKeyFingerprint: z.string().nullable(),
    sources: z.partialRecord(z.enum(SOURCE_NAMES), sourcePresence),
    lastEvent: lastEvent.nullable(),
    interfaces: z.array(deviceInterface),
    createdAt: isoTime,
    updatedAt: isoTime,
  }),
);

export const syncEventSchema = recordSchema<SyncEvent>()(
  z.object({
    id: z.number().int().positive(),
    hostname: z.string().min(1),
    cause: z.enum([...SYNC_CAUSES, ...RECORD_KINDS]),
    by: z.string(),
    at: isoTime,
    commit: z.string().optional(),
    jobId: z.string().optional(),
    detail: z.string(),
    clearedAt: isoTime.optional(),
  }),
);

const deviceJobResult = recordSchema<DeviceJobResult>()(
  z.object({
    status: z.enum(['pending', 'running', 'synced', 'unchanged', 'would-change', 'failed', 'skipped', 'drift']),
    changed: z.boolean().optional(),
    diff: z.string().optional(),
    error: z.string().optional(),
    code: errorCodeSchema.optional(),
    phase: z.enum(['render', 'read-running', ...PHASES]).optional(),
    // Job records written before the rollback vocabulary was unified said 'none' and 'failed'.
    rollbackStatus: z.preprocess((v) => (v === 'none' ? 'not-needed' : v === 'failed' ? 'fail' : v), z.enum(ROLLBACK_STATUSES)).optional(),
  }),
);

export const jobSchema = recordSchema<Job>()(
  z.object({
    id: z.string().min(1),
    kind: z.string().min(1),
    status: z.enum(JOB_STATUSES),
    args: keyedRecord(z.unknown()),
    by: z.string(),
    comment: z.string().optional(),
    ticketRef: z.string().optional(),
    progress: z.object({ done: z.number().int().min(0), total: z.number().int().min(0) }),
    perDevice: keyedRecord(deviceJobResult),
    changeScore: z.number().optional(),
    error: z.string().optional(),
    log: z.array(z.string()).optional(),
    createdAt: isoTime,
    startedAt: isoTime.optional(),
    finishedAt: isoTime.optional(),
    replica: z.string().optional(),
    abortRequested: z.object({ by: z.string(), at: isoTime }).optional(),
  }),
);

export const linknetSchema = recordSchema<Linknet>()(
  z.object({
    id: z.string().min(1),
    deviceA: z.string().min(1),
    interfaceA: z.string().min(1),
    deviceB: z.string().min(1),
    interfaceB: z.string().min(1),
    ipv4Network: z.string().optional(),
    createdAt: isoTime,
  }),
);

export const mgmtDomainSchema = recordSchema<MgmtDomain>()(
  z.object({
    id: z.string().min(1),
    name: z.string().min(1),
    ipv4Network: z.string().min(1),
    ipv4Gateway: z.string().min(1),
    vlan: z.number().int(),
    deviceA: z.string().min(1),
    deviceB: z.string().min(1),
    createdAt: isoTime,
    updatedAt: isoTime,
  }),
);
