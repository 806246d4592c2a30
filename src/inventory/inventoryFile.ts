/** Reads an inventory file (YAML list or CSV with a header row) into new-device records, validated. */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { newDeviceSchema } from './deviceSchema.ts';
import type { NewDevice } from '../model/device.ts';
import { NetsyncError } from '../model/errors.ts';

const yamlInventory = z.union([z.array(z.unknown()), z.object({ devices: z.array(z.unknown()) }).strict()]);

export async function readInventoryFile(path: string): Promise<NewDevice[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new NetsyncError('BAD_REQUEST', `cannot read inventory file ${path}: ${(err as Error).message}`, { path });
  }
  // The CSV parser loads only for a CSV file (the daemon reads a YAML seed at most).
  const rows = extname(path).toLowerCase() === '.csv' ? csvRows((await import('csv-parse/sync')).parse, text, path) : yamlRows(text, path);
  return rows.map((row, i) => {
    const result = newDeviceSchema.safeParse(row);
    if (result.success) return result.data;
    const problems = result.error.issues.map((issue) =>
      issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}` : `${issue.path.join('.')}: ${issue.message}`,
    );
    throw new NetsyncError('VALIDATION_FAILED', `${path}: entry ${i + 1} is invalid: ${problems.join('; ')}`, { path, entry: i + 1, problems });
  });
}

function yamlRows(text: string, path: string): unknown[] {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new NetsyncError('VALIDATION_FAILED', `${path} is not valid YAML: ${(err as Error).message}`, { path });
  }
  const parsed = yamlInventory.safeParse(doc);
  if (!parsed.success) throw new NetsyncError('VALIDATION_FAILED', `${path} must be a list of devices or {devices: [...]}`, { path });
  return Array.isArray(parsed.data) ? parsed.data : parsed.data.devices;
}

/** CSV columns are the device fields; `groups` is separated by `;`, `port` is a number. */
function csvRows(
  parseCsv: (text: string, options: { columns: true; skip_empty_lines: true; trim: true }) => Record<string, string>[],
  text: string,
  path: string,
): unknown[] {
  let records: Record<string, string>[];
  try {
    records = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true });
  } catch (err) {
    throw new NetsyncError('VALIDATION_FAILED', `${path} is not valid CSV: ${(err as Error).message}`, { path });
  }
  return records.map((r) => {
    const row: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r)) {
      if (v === '') continue;
      if (k === 'port') row[k] = Number(v);
      else if (k === 'groups')
        row[k] = v
          .split(';')
          .map((g) => g.trim())
          .filter(Boolean);
      else row[k] = v;
    }
    return row;
  });
}
