/**
 * Bearer-token authentication. Tokens are compared in constant time over
 * their SHA-256 digests, so neither content nor length leaks through timing.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Role } from '../model/roles.ts';
import { NetsyncError } from '../model/errors.ts';

export interface ApiToken {
  name: string;
  token: string;
  role: Role;
}

export interface Principal {
  name: string;
  role: Role | 'anonymous';
}

const ROLE_RANK: Record<Principal['role'], number> = { anonymous: 0, read: 1, operator: 2 };

export class TokenAuth {
  private readonly digests: { name: string; role: Role; digest: Buffer }[];

  constructor(
    tokens: ApiToken[],
    private readonly openReads: boolean,
  ) {
    this.digests = tokens.map((t) => ({ name: t.name, role: t.role, digest: sha256(t.token) }));
  }

  identify(header: string | undefined): Principal {
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!match) return { name: 'anonymous', role: 'anonymous' };
    const digest = sha256(match[1]!);
    let found: Principal | undefined;
    // Compare against every token so the time does not depend on which one matched.
    for (const t of this.digests) if (timingSafeEqual(t.digest, digest)) found = { name: t.name, role: t.role };
    if (!found) throw new NetsyncError('UNAUTHENTICATED', 'the bearer token is not valid');
    return found;
  }

  /**
   * What a web session keeps of the token it was signed in with: a keyed fingerprint (an HMAC over the token's
   * digest), never the token. `grantOf` gives the configured token that still has it: a token removed from the
   * config, or given another value, ends the sessions begun with it, on every replica and across restarts.
   */
  fingerprint(token: string, key: string): string {
    return fingerprintOf(sha256(token), key);
  }

  grantOf(fingerprint: string, key: string): Principal | undefined {
    const wanted = Buffer.from(fingerprint, 'hex');
    let found: Principal | undefined;
    for (const t of this.digests) {
      const have = Buffer.from(fingerprintOf(t.digest, key), 'hex');
      if (have.length === wanted.length && timingSafeEqual(have, wanted)) found = { name: t.name, role: t.role };
    }
    return found;
  }

  /** Express middleware: GET/HEAD need `read` (unless reads are open), everything else `operator`. */
  middleware() {
    return (req: Request, res: Response, next: NextFunction): void => {
      const principal = this.identify(req.get('authorization'));
      const needed: Role = req.method === 'GET' || req.method === 'HEAD' ? 'read' : 'operator';
      const readAllowedAnonymously = needed === 'read' && this.openReads;
      if (!readAllowedAnonymously && ROLE_RANK[principal.role] < ROLE_RANK[needed]) {
        if (principal.role === 'anonymous') {
          throw new NetsyncError('UNAUTHENTICATED', 'this request needs a bearer token (Authorization: Bearer <token>)');
        }
        throw new NetsyncError('FORBIDDEN', `token '${principal.name}' has role ${principal.role}; this request needs ${needed}`, {
          role: principal.role,
          needed,
        });
      }
      res.locals.principal = principal;
      next();
    };
  }
}

function fingerprintOf(digest: Buffer, key: string): string {
  return createHmac('sha256', key).update(digest).digest('hex');
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Who made a request, as recorded in sync events. */
export function actor(res: Response): string {
  const p = res.locals.principal as Principal | undefined;
  return p ? `api:${p.name}` : 'api:anonymous';
}
