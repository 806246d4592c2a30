/**
 * Sign-in state of the web interface. A server-side session (express-session: in memory on the embedded
 * store, in PostgreSQL for replicas, see SharedSessions) holds who signed in with which API token's name and role; the token
 * itself is never kept. The cookie is HttpOnly and SameSite=Strict; over TLS (req.secure, which honours
 * X-Forwarded-Proto when the daemon's `trust proxy` is set) it is `__Host-netsync-ui`, Secure, path /.
 * Browsers refuse the `__Host-` prefix without Secure, so over plain HTTP (the loopback quick start) the
 * cookie is `netsync-ui`. The session cookie never authorizes /api/v1, which reads only bearer tokens.
 */
import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import session from 'express-session';
import type { SessionData } from 'express-session';
import type { Principal } from '../api/auth.ts';
import { NetsyncError } from '../model/errors.ts';

declare module 'express-session' {
  interface SessionData {
    /** Who signed in; `grant` is the keyed fingerprint of their token (TokenAuth.fingerprint), checked on every request. */
    principal?: { name: string; role: 'read' | 'operator'; grant: string };
  }
}

export const SECURE_COOKIE = '__Host-netsync-ui';
export const PLAIN_COOKIE = 'netsync-ui';
const EIGHT_HOURS_MS = 8 * 3600 * 1000;
const PRUNE_MS = 10 * 60 * 1000;

/** Sessions several replicas share: a store each middleware gets its own of, and the secret cookies are signed with. */
export interface SharedSessions {
  secret: string;
  newStore(): session.Store;
}

/** Sessions of this process alone: in memory, signed with a secret that lives as long as the process. */
export function processSessions(): SharedSessions {
  const stores: session.MemoryStore[] = [];
  // MemoryStore drops an expired session only when it is read; listing them all drops every expired one.
  setInterval(() => stores.forEach((s) => s.all(() => undefined)), PRUNE_MS).unref();
  return {
    secret: randomBytes(32).toString('hex'),
    newStore: () => {
      const store = new session.MemoryStore();
      stores.push(store);
      return store;
    },
  };
}

export function sessionMiddleware(sessions: SharedSessions = processSessions()): RequestHandler {
  // A store each: express-session installs its cookie options on the store it is given.
  const stores = [sessions.newStore(), sessions.newStore()] as const;
  const common = { secret: sessions.secret, resave: false, saveUninitialized: false, rolling: true, unset: 'destroy' as const };
  const secure = session({
    ...common,
    store: stores[0],
    name: SECURE_COOKIE,
    cookie: { httpOnly: true, sameSite: 'strict', secure: true, path: '/', maxAge: EIGHT_HOURS_MS },
  });
  const plain = session({
    ...common,
    store: stores[1],
    name: PLAIN_COOKIE,
    cookie: { httpOnly: true, sameSite: 'strict', secure: false, path: '/', maxAge: EIGHT_HOURS_MS },
  });
  return (req, res, next) => (req.secure ? secure(req, res, next) : plain(req, res, next));
}

export function principalOf(req: Request): Principal | undefined {
  return req.session.principal;
}

/**
 * Pages need a signed-in user whose token is still configured with the same role: a browser is sent to sign in
 * (and back), anything else gets 401. A session whose token was removed or changed is ended here.
 */
export function requireSignedIn(stillGranted: (principal: NonNullable<SessionData['principal']>) => boolean): RequestHandler {
  return (req, res, next) => {
    const principal = req.session.principal;
    if (principal && stillGranted(principal)) return next();
    const back = req.originalUrl.startsWith('/') && !req.originalUrl.startsWith('//') ? req.originalUrl : '/';
    const answer = () => {
      if (req.method === 'GET' && !req.get('hx-request')) return res.redirect(303, `/signin?next=${encodeURIComponent(back)}`);
      next(new NetsyncError('UNAUTHENTICATED', 'sign in first: the session has ended or never began'));
    };
    if (!principal) return answer();
    req.session.destroy(() => answer());
  };
}

/** Write actions need the operator role; the pages hide them from read-only users, the server refuses them. */
export function requireOperator(req: Request, _res: Response, next: NextFunction): void {
  const p = principalOf(req);
  if (p?.role === 'operator') return next();
  next(
    new NetsyncError('FORBIDDEN', `signed in as '${p?.name ?? 'nobody'}' with role ${p?.role ?? 'none'}; this action needs an operator token`, {
      role: p?.role ?? null,
      needed: 'operator',
    }),
  );
}

/** What sync events record as the author of a change made in the web interface. */
export function uiActor(req: Request): string {
  return `ui:${principalOf(req)?.name ?? 'anonymous'}`;
}
