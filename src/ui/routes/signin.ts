/** Sign-in with an API token (its role applies) and sign-out. The token is checked, never stored. */
import { Router } from 'express';
import type { Request } from 'express';
import { isNetsyncError } from '../../model/errors.ts';
import type { Ui } from '../deps.ts';
import { field, queryString } from '../page.ts';

/** Only a path on this site, so a crafted ?next= cannot send a user elsewhere after signing in. */
function localPath(next: string | undefined): string {
  return next && /^\/(?![/\\])/.test(next) ? next : '/';
}

function regenerate(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((err: unknown) => (err ? reject(err) : resolve())));
}

/** `key` keys the fingerprint of the token a session keeps (the session secret: the same on every replica). */
export function signinPages(ui: Ui, key: string): Router {
  const r = Router();

  r.get('/signin', (req, res) => {
    ui.page(req, res, 'signin.njk', { next: localPath(queryString(req, 'next')) });
  });

  r.post('/signin', async (req, res) => {
    const next = localPath(field(req, 'next'));
    const token = field(req, 'token').trim();
    let principal;
    try {
      principal = token ? ui.auth.identify(`Bearer ${token}`) : undefined;
    } catch (err) {
      if (!isNetsyncError(err)) throw err;
    }
    if (!principal || principal.role === 'anonymous') {
      ui.page(
        req,
        res,
        'signin.njk',
        { next, error: 'That token is not valid. Use an API token from the config (api.tokens) or the generated one in the data dir (api-token).' },
        401,
      );
      return;
    }
    // A new session id on sign-in, so an id planted before cannot ride along (session fixation).
    await regenerate(req);
    req.session.principal = { name: principal.name, role: principal.role, grant: ui.auth.fingerprint(token, key) };
    res.redirect(303, next);
  });

  r.post('/signout', (req, res, next) => {
    req.session.destroy((err: unknown) => {
      if (err) return next(err);
      res.redirect(303, '/signin');
    });
  });

  return r;
}
