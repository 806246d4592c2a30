/** The `ui` config section: the web interface at / and how it learns that a TLS proxy sits in front. */
import { z } from 'zod';

export const uiConfigSchema = z
  .object({
    /** Serve the web interface at / (the API, webhooks and metrics are unaffected). */
    enabled: z.boolean().default(true),
    /**
     * express's `trust proxy`: with a TLS-terminating proxy in front, true (or the number of proxies) lets
     * X-Forwarded-Proto mark requests secure, so the session cookie becomes `__Host-netsync-ui; Secure`.
     */
    trustProxy: z.union([z.boolean(), z.number().int().min(1).max(10)]).default(false),
  })
  .strict();

export type UiConfig = z.infer<typeof uiConfigSchema>;
export const UI_DEFAULTS: UiConfig = { enabled: true, trustProxy: false };
