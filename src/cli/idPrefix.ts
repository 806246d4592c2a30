/** Tables show 8-character ids: accept such a prefix wherever a job or transaction id is asked for. */
import { NetsyncError } from '../model/errors.ts';

export function resolveIdPrefix(prefix: string, ids: readonly string[], what: string): string {
  if (ids.includes(prefix)) return prefix;
  const hits = ids.filter((id) => id.startsWith(prefix.toLowerCase()));
  if (hits.length === 1) return hits[0]!;
  if (hits.length === 0) throw new NetsyncError('NOT_FOUND', `no ${what} ${prefix}`, { id: prefix });
  throw new NetsyncError('BAD_REQUEST', `${prefix} matches ${hits.length} ${what}s (${hits.slice(0, 5).join(', ')}); give more of the id`, { id: prefix });
}

/** A full id as given; a prefix resolved against the ids `listIds` fetches (only then is the list asked for). */
export async function resolveId(id: string, listIds: () => Promise<readonly string[]>, what: string): Promise<string> {
  return id.length >= 36 ? id : resolveIdPrefix(id, await listIds(), what);
}
