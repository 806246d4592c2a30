/**
 * Rows read back from PostgreSQL are checked like a lowdb file at load (docs/guides/storage.md): each against
 * its zod schema, and a row that does not fit stops the read with STORE_CORRUPT naming the table, the row and
 * the field. The parse also gives fresh objects (nothing read is shared with the caller).
 */
import type { z } from 'zod';
import type { Device } from '../../model/device.ts';
import { NetsyncError } from '../../model/errors.ts';
import type { SyncEvent } from '../../model/events.ts';
import { deviceSchema, syncEventSchema } from '../coreSchemas.ts';

export interface DeviceRow {
  key: string;
  data: unknown;
}

export interface EventRow {
  id: string | number;
  data: unknown;
  cleared_at: string | null;
}

export function checked<T>(schema: z.ZodType<T>, value: unknown, table: string, id: string, where: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0]!;
  const field = first.path.map(String).join('.') || '(row)';
  throw new NetsyncError(
    'STORE_CORRUPT',
    `${where} holds a row that is not a valid netsync record: ${table} '${id}', field ${field}: ${first.message}. Fix or delete that row (docs/guides/storage.md)`,
    { table, id, field, problem: first.message },
  );
}

export function deviceOf(row: DeviceRow, where: string): Device {
  const device = checked(deviceSchema, row.data, 'devices', row.key, where);
  if (device.hostname.toLowerCase() !== row.key) {
    throw new NetsyncError('STORE_CORRUPT', `${where}: devices '${row.key}' holds the device '${device.hostname}'; fix or delete that row`, {
      table: 'devices',
      id: row.key,
      field: 'hostname',
      problem: 'key mismatch',
    });
  }
  return device;
}

export function eventOf(row: EventRow, where: string): SyncEvent {
  const raw = { ...(row.data as object), id: Number(row.id), ...(row.cleared_at === null ? {} : { clearedAt: row.cleared_at }) };
  return checked(syncEventSchema, raw, 'sync_events', String(row.id), where);
}

/** An event as stored: everything but its id (the row's key) and clearedAt (a column of its own). */
export function eventData(event: Omit<SyncEvent, 'id'> & { id?: number }): Record<string, unknown> {
  const { id: _id, clearedAt: _cleared, ...data } = event;
  return data;
}

/**
 * JSON for a jsonb parameter. PostgreSQL text cannot hold U+0000 (jsonb refuses `\u0000`), which a lowdb file
 * takes: such a character (e.g. in a device's output inside a job's diff) is stored as U+FFFD instead of
 * failing the write.
 */
export function jsonParam(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' && v.includes('\u0000') ? v.replaceAll('\u0000', '\uFFFD') : v));
}
