/**
 * The store file's format: what a load accepts and what a write produces. A load checks the format version
 * first (STORE_VERSION), then every field against the schemas (STORE_CORRUPT naming the first bad one), and
 * turns each keyed collection into a Map, so no hostname or id can reach Object.prototype.
 */
import { z } from 'zod';
import type { Device } from '../model/device.ts';
import { hostnameKey } from '../model/device.ts';
import { NetsyncError } from '../model/errors.ts';
import type { SyncEvent } from '../model/events.ts';
import { deviceSchema, syncEventSchema } from './coreSchemas.ts';
import type { CollectionSchemas } from '../model/schemaKit.ts';
import { describe, keyedRecord } from '../model/schemaKit.ts';

/** Bumped when a file written by this netsync could not be read correctly by an older one. */
export const STORE_FORMAT = 1;

export interface StoreData {
  devices: Map<string, Device>;
  events: SyncEvent[];
  nextEventId: number;
  records: Map<string, Map<string, unknown>>;
  meta: Map<string, unknown>;
}

export function emptyStoreData(): StoreData {
  return { devices: new Map(), events: [], nextEventId: 1, records: new Map(), meta: new Map() };
}

function fileSchema(collections: CollectionSchemas) {
  const known = new Map<string, z.ZodType>(Object.entries(collections));
  const records = z.unknown().transform((input, ctx) => {
    const out = new Map<string, Map<string, unknown>>();
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      ctx.issues.push({ code: 'custom', message: `expected an object, got ${describe(input)}`, input });
      return out;
    }
    for (const [name, entries] of Object.entries(input)) {
      const schema = known.get(name);
      if (!schema) {
        ctx.issues.push({ code: 'custom', message: `unknown collection (this netsync has ${[...known.keys()].join(', ')})`, path: [name], input: entries });
        continue;
      }
      const parsed = keyedRecord(schema).safeParse(entries);
      if (parsed.success) out.set(name, new Map(Object.entries(parsed.data)));
      else for (const issue of parsed.error.issues) ctx.issues.push({ ...issue, path: [name, ...issue.path] } as never);
    }
    return out;
  });
  return z.object({
    version: z.literal(STORE_FORMAT),
    writtenBy: z.string().optional(),
    devices: keyedRecord(deviceSchema),
    events: z.array(syncEventSchema),
    nextEventId: z.number().int().positive(),
    records: records.default(() => new Map()),
    meta: keyedRecord(z.unknown()).default(() => ({})),
  });
}

/** Parses and checks a store file's text; throws STORE_CORRUPT or STORE_VERSION and changes nothing. */
export function decodeStoreFile(text: string, path: string, collections: CollectionSchemas, running: string): StoreData {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw corrupt(path, '(file)', `not valid JSON (${(err as Error).message})`, err);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw corrupt(path, '(file)', `expected a JSON object, got ${describe(raw)}`);
  const { version, writtenBy } = raw as { version?: unknown; writtenBy?: unknown };
  if (typeof version !== 'number') throw corrupt(path, 'version', `expected the store format number, got ${describe(version)}`);
  if (version !== STORE_FORMAT) {
    const by = typeof writtenBy === 'string' ? `netsync ${writtenBy}` : 'another netsync';
    throw new NetsyncError(
      'STORE_VERSION',
      `store file ${path} was written by ${by} (store format v${version}); this is netsync ${running}, which reads store format v${STORE_FORMAT}. It was left untouched: run the netsync that wrote it, or restore a backup`,
      { path, fileFormat: version, readsFormat: STORE_FORMAT, ...(typeof writtenBy === 'string' ? { writtenBy } : {}) },
    );
  }
  const parsed = fileSchema(collections).safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw corrupt(path, first.path.map(String).join('.') || '(file)', first.message);
  }
  const file = parsed.data;
  const devices = new Map<string, Device>();
  for (const [key, device] of Object.entries(file.devices)) {
    if (key !== hostnameKey(device.hostname)) throw corrupt(path, `devices.${key}`, `filed under '${key}' but its hostname is '${device.hostname}'`);
    devices.set(key, device);
  }
  const highest = file.events.reduce((max, e) => Math.max(max, e.id), 0);
  if (file.nextEventId <= highest) throw corrupt(path, 'nextEventId', `${file.nextEventId} is not above the highest event id ${highest}`);
  return { devices, events: file.events, nextEventId: file.nextEventId, records: file.records, meta: new Map(Object.entries(file.meta)) };
}

/**
 * The file's JSON text, piece by piece: one piece per device, event and record, never the whole file at once.
 * A transaction over many devices writes the file dozens of times; one string of the whole store per write
 * (and a copy of every Map as an object to stringify) made each write allocate several times the file's size,
 * which set the daemon's memory peak (bench/cliStartup.ts). The data is never changed in place (the store is
 * copy-on-write), so the pieces may be taken while earlier ones are being written.
 */
export function* encodeStoreFile(data: StoreData, running: string): Generator<string> {
  yield `{"version":${STORE_FORMAT},"writtenBy":${JSON.stringify(running)},"devices":`;
  yield* objectPieces(data.devices);
  yield ',"events":';
  yield* arrayPieces(data.events);
  yield `,"nextEventId":${JSON.stringify(data.nextEventId)},"records":{`;
  let first = true;
  for (const [name, entries] of data.records) {
    yield `${first ? '' : ','}${JSON.stringify(name)}:`;
    yield* objectPieces(entries);
    first = false;
  }
  yield '},"meta":';
  yield* objectPieces(data.meta);
  yield '}';
}

/** A Map as a JSON object, as JSON.stringify writes one: an entry whose value has no JSON form is left out. */
function* objectPieces(entries: ReadonlyMap<string, unknown>): Generator<string> {
  let first = true;
  yield '{';
  for (const [key, value] of entries) {
    // A key such as "__proto__" is written as data: it is only ever text here.
    const text = JSON.stringify(value) as string | undefined;
    if (text === undefined) continue;
    yield `${first ? '' : ','}${JSON.stringify(key)}:${text}`;
    first = false;
  }
  yield '}';
}

function* arrayPieces(items: readonly unknown[]): Generator<string> {
  yield '[';
  for (let i = 0; i < items.length; i++) yield `${i === 0 ? '' : ','}${JSON.stringify(items[i]) ?? 'null'}`;
  yield ']';
}

function corrupt(path: string, field: string, problem: string, cause?: unknown): NetsyncError {
  return new NetsyncError(
    'STORE_CORRUPT',
    `store file ${path} is not a valid netsync store: ${field}: ${problem}. It was left untouched: restore it from a backup or fix that field (docs/guides/storage.md)`,
    { path, field, problem },
    cause === undefined ? undefined : { cause },
  );
}
