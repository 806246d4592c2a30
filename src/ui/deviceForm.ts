/**
 * The add/edit device form: form fields (all strings) to the API's device shape, validated by the same zod
 * schema as POST /api/v1/devices, with each problem keyed by the field it belongs to.
 */
import type { z } from 'zod';
import { newDeviceSchema } from '../inventory/deviceSchema.ts';
import type { NewDevice } from '../model/device.ts';

export const FORM_FIELDS = ['hostname', 'managementIp', 'port', 'platform', 'transport', 'type', 'groups', 'state'] as const;
export type DeviceFormValues = Record<(typeof FORM_FIELDS)[number], string>;
export type FieldErrors = Partial<Record<string, string>>;

export function formValues(body: Record<string, unknown>): DeviceFormValues {
  const out = {} as DeviceFormValues;
  for (const f of FORM_FIELDS) out[f] = typeof body[f] === 'string' ? (body[f] as string).trim() : '';
  return out;
}

/** Form strings to the schema's input: empty means "not given", the port a number, groups comma-separated. */
function toInput(v: DeviceFormValues): Record<string, unknown> {
  const input: Record<string, unknown> = { hostname: v.hostname, managementIp: v.managementIp, platform: v.platform, type: v.type };
  if (v.port) input.port = /^\d+$/.test(v.port) ? Number(v.port) : v.port;
  if (v.transport) input.transport = v.transport;
  if (v.state) input.state = v.state;
  const groups = v.groups
    .split(',')
    .map((g) => g.trim())
    .filter(Boolean);
  if (groups.length) input.groups = groups;
  return input;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

function fieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const name = String(issue.path[0] ?? 'form');
    errors[name] ??= name === 'port' && issue.code === 'invalid_type' ? 'must be a whole number from 1 to 65535' : issue.message;
  }
  return errors;
}

export function parseNewDevice(v: DeviceFormValues): Parsed<NewDevice> {
  const result = newDeviceSchema.safeParse(toInput(v));
  return result.success ? { ok: true, value: result.data } : { ok: false, errors: fieldErrors(result.error) };
}

/** The edit form has no hostname (the key) and no state (its own actions). */
export function parseDeviceEdit(v: DeviceFormValues): Parsed<Omit<NewDevice, 'hostname' | 'state'>> {
  const { hostname: _hostname, state: _state, ...input } = toInput(v);
  const result = newDeviceSchema.omit({ hostname: true, state: true }).safeParse(input);
  if (!result.success) return { ok: false, errors: fieldErrors(result.error) };
  // Cleared groups mean "no groups", not "leave as they were".
  return { ok: true, value: { ...result.data, groups: result.data.groups ?? [] } };
}
