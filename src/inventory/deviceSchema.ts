/** The shape of a new device, shared by the API and inventory files. */
import { z } from 'zod';
import { DEVICE_STATES, HOSTNAME_PATTERN, TRANSPORTS } from '../model/device.ts';

export const hostnameSchema = z.string().regex(HOSTNAME_PATTERN, 'must be 1-63 letters, digits, dot, dash or underscore, starting with a letter or digit');
const ipSchema = z.union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' });
const nameList = z.array(z.string().min(1).max(64)).max(100);

export const newDeviceSchema = z
  .object({
    hostname: hostnameSchema,
    managementIp: ipSchema,
    port: z.number().int().min(1).max(65535).optional(),
    platform: z.string().min(1).max(32),
    transport: z.enum(TRANSPORTS).optional(),
    type: z.string().min(1).max(32),
    groups: nameList.optional(),
    state: z.enum(DEVICE_STATES).optional(),
  })
  .strict();
