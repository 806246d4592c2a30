/**
 * The web interface, loaded on its first request: its views engine (nunjucks), session and CSRF middleware
 * stay out of the daemon's memory until someone opens a page. Paths other parts of the daemon answer never
 * load it. Once loaded, the interface's router sits in this router's stack like any other.
 */
import { Router } from 'express';
import type { UiDeps } from './deps.ts';

/** Paths other parts of the daemon answer; the interface never handles them, not even their 404s. */
export const NOT_OURS = /^\/(api|webhooks|checks|metrics|healthz)(\/|$)/;

export function lazyWebInterface(deps: UiDeps): Router {
  const r = Router();
  let loading: Promise<void> | undefined;
  r.use((req, _res, next) => {
    if (NOT_OURS.test(req.path)) return next('router');
    loading ??= Promise.all([import('./webInterface.ts'), deps.sessions?.()]).then(
      ([m, sessions]) => void r.use(m.webInterface(deps, sessions)),
      (err: unknown) => {
        loading = undefined;
        throw err;
      },
    );
    loading.then(() => next(), next);
  });
  return r;
}
