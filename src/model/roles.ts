/** API token roles: `read` may look, `operator` may also change things (sync, commit, edit devices). */
import { z } from 'zod';

export const roleSchema = z.enum(['read', 'operator']);
export type Role = z.infer<typeof roleSchema>;
