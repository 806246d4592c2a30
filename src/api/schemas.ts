/** Request shapes of the REST API. Strict objects: an unknown field is an error, not silently dropped. */
import { z } from 'zod';
import { DEVICE_STATES } from '../model/device.ts';
import { hostnameSchema, newDeviceSchema } from '../inventory/deviceSchema.ts';

export { hostnameSchema, newDeviceSchema };

export const devicePatchSchema = newDeviceSchema
  .omit({ hostname: true })
  .partial()
  .strict()
  .refine((p) => Object.keys(p).length > 0, { message: 'the patch changes nothing: give at least one field' });

export const deviceFilterSchema = z
  .object({
    synchronized: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
    state: z.enum(DEVICE_STATES).optional(),
    type: z.string().min(1).max(32).optional(),
    group: z.string().min(1).max(64).optional(),
  })
  .strict();

export const eventsQuerySchema = z
  .object({
    open: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
  })
  .strict();

export const interfaceSchema = z
  .object({
    name: z.string().min(1).max(64),
    description: z.string().max(240).optional(),
    vlan: z.number().int().min(1).max(4094).optional(),
    mode: z.enum(['access', 'trunk', 'routed']).optional(),
    enabled: z.boolean().optional(),
  })
  .strict();

export const interfacesBodySchema = z.object({ interfaces: z.array(interfaceSchema).max(4096) }).strict();

export const reasonSchema = z.object({ reason: z.string().trim().min(1, 'a reason is required').max(500) }).strict();
export const postFlightSchema = z.object({ version: z.string().max(64).optional(), detail: z.string().max(500).optional() }).strict();
export const ztpNeighborsSchema = z.object({ neighbors: z.array(hostnameSchema).min(1).max(64) }).strict();

export const linknetSchema = z
  .object({
    deviceA: hostnameSchema,
    interfaceA: z.string().min(1).max(64),
    deviceB: hostnameSchema,
    interfaceB: z.string().min(1).max(64),
    ipv4Network: z.string().optional(),
  })
  .strict();

export const mgmtDomainSchema = z
  .object({
    name: z.string().min(1).max(64),
    ipv4Network: z.string().min(1),
    ipv4Gateway: z.ipv4(),
    vlan: z.number().int().min(1).max(4094),
    deviceA: hostnameSchema,
    deviceB: hostnameSchema,
  })
  .strict();

export const mgmtDomainPatchSchema = mgmtDomainSchema
  .partial()
  .strict()
  .refine((p) => Object.keys(p).length > 0, { message: 'the patch changes nothing: give at least one field' });

/** For actions that take no parameters: any field sent is a mistake worth reporting. */
export const emptyBodySchema = z.object({}).strict();

export const importBodySchema = z.object({ devices: z.array(newDeviceSchema).max(100_000) }).strict();
