/**
 * The IdentityProbe over real SSH: open a session with the device drivers,
 * read the hostname the device reports, close. Any failure (no route, refused,
 * auth, host key, timeout) is "unreachable" with the reason, to retry next sync.
 */
import type { SessionFactory } from '../commit/session.ts';
import { isNetsyncError } from '../model/errors.ts';
import type { IdentityProbe, ProbeResult, ProbeTarget } from './reconcile/identityProbe.ts';

/** The pinned host key of a device netsync already knows, so a swapped box is not taken for it. */
export type PinnedKeyLookup = (hostname: string) => Promise<string | null>;

export function sshIdentityProbe(sessions: SessionFactory, pinnedKey: PinnedKeyLookup = async () => null): IdentityProbe {
  return {
    async probe(target: ProbeTarget): Promise<ProbeResult> {
      let session;
      try {
        session = await sessions.open({ ...target, hostKeyFingerprint: await pinnedKey(target.hostname) });
        const facts = await session.facts();
        return { reachable: true, hostname: facts.hostname };
      } catch (err) {
        const code = isNetsyncError(err) ? `${err.code}: ` : '';
        return { reachable: false, error: `${code}${(err as Error).message}` };
      } finally {
        await session?.close().catch(() => undefined);
      }
    },
  };
}
