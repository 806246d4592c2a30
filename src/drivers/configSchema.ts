/** The `devices` config section: how netsync logs in to devices and how transactions run by default. */
import { z } from 'zod';

export const devicesConfigSchema = z
  .object({
    username: z.string().min(1),
    /** Use ${NETSYNC_DEVICE_PASSWORD}; never written to logs or API output. */
    password: z.string().optional(),
    /** OpenSSH private key file (relative to the config file). */
    privateKeyFile: z.string().optional(),
    passphrase: z.string().optional(),
    connectTimeoutMs: z.number().int().min(100).default(15_000),
    rpcTimeoutMs: z.number().int().min(100).default(60_000),
    /** Devices worked on at once in one transaction. */
    concurrency: z.number().int().min(1).max(1000).default(50),
    /** Seconds a device waits for the confirming commit before reverting by itself. */
    confirmTimeoutSeconds: z.number().int().min(1).max(86_400).default(600),
  })
  .strict()
  .refine((d) => d.password !== undefined || d.privateKeyFile !== undefined, { message: 'give devices.password or devices.privateKeyFile' });

export type DevicesConfig = z.infer<typeof devicesConfigSchema>;
