/**
 * The web interface (docs/design/architecture.md §12), served at /: helmet's headers with a CSP that allows scripts and styles
 * from this origin only, a session cookie, a session-bound CSRF token on every state change, and the page
 * routers. Like src/api it only parses, calls the services and renders.
 */
import express, { Router } from 'express';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { csrfSync } from 'csrf-sync';
import { isNetsyncError, NetsyncError } from '../model/errors.ts';
import { ChangeFeed } from './changeFeed.ts';
import type { Ui, UiDeps } from './deps.ts';
import { inventoryVersion, jobListVersion } from './liveVersion.ts';
import { overviewContent, overviewVersion } from './overviewContent.ts';
import { pageRenderer } from './page.ts';
import { HTMX_FILE, HTMX_SSE_FILE, STATIC_DIR } from './paths.ts';
import { alarmsPages } from './routes/alarms.ts';
import { commitPages } from './routes/commit.ts';
import { devicePages } from './routes/device.ts';
import { devicesPages } from './routes/devices.ts';
import { eventsRoute } from './routes/events.ts';
import { inventorySyncPages } from './routes/inventorySync.ts';
import { JOB_LIST_SIZE, jobsPages } from './routes/jobs.ts';
import { overviewPage } from './routes/overview.ts';
import { reposPages } from './routes/repos.ts';
import { signinPages } from './routes/signin.ts';
import { transactionsPages } from './routes/transactions.ts';
import type { SharedSessions } from './session.ts';
import { processSessions, requireSignedIn, sessionMiddleware } from './session.ts';
import { createViewEnv } from './viewEnv.ts';
import { NOT_OURS } from './lazyWebInterface.ts';

export function webInterface(deps: UiDeps, sessions?: SharedSessions): Router {
  const env = createViewEnv(deps.clock);
  const ui: Ui = { ...deps, page: pageRenderer(env) };
  const { csrfSynchronisedProtection } = csrfSync({
    size: 32,
    getTokenFromRequest: (req) => {
      const header = req.get('x-csrf-token');
      if (header) return header;
      const body = req.body as Record<string, unknown> | undefined;
      return typeof body?._csrf === 'string' ? body._csrf : undefined;
    },
  });

  const r = Router();
  r.use((req, _res, next) => next(NOT_OURS.test(req.path) ? 'router' : undefined));
  r.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
          objectSrc: ["'none'"],
        },
      },
      // Plain HTTP on loopback is the quick start's normal case: HSTS only means something over TLS.
      strictTransportSecurity: false,
    }),
  );
  const assets = { immutable: false, maxAge: '1h', index: false as const };
  r.get('/ui/htmx.min.js', (_req, res) => res.sendFile(HTMX_FILE, assets));
  r.get('/ui/sse.min.js', (_req, res) => res.sendFile(HTMX_SSE_FILE, assets));
  r.use('/ui/static', express.static(STATIC_DIR, assets));
  r.get('/favicon.ico', (_req, res) => res.status(204).end());

  const shared = sessions ?? processSessions();
  r.use(sessionMiddleware(shared));
  r.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 100 }));
  r.use(csrfSynchronisedProtection);
  r.use(signinPages(ui, shared.secret));
  r.use(
    requireSignedIn((p) => {
      // A session from before grants were kept has none: it signs in again.
      const grant = typeof p.grant === 'string' ? deps.auth.grantOf(p.grant, shared.secret) : undefined;
      return grant?.name === p.name && grant.role === p.role;
    }),
  );
  const feeds = {
    devices: new ChangeFeed('devices', () => deps.store.readDevices(inventoryVersion)),
    overview: new ChangeFeed('overview', async () => overviewVersion(await overviewContent(ui))),
    jobs: new ChangeFeed('jobs', async () => jobListVersion(await deps.jobs.list(JOB_LIST_SIZE))),
  };
  r.use(eventsRoute(feeds, deps.jobs));
  r.use(overviewPage(ui));
  r.use(devicesPages(ui));
  r.use(devicePages(ui));
  r.use(jobsPages(ui));
  r.use(transactionsPages(ui));
  r.use(reposPages(ui));
  r.use(commitPages(ui));
  r.use(inventorySyncPages(ui));
  r.use(alarmsPages(ui));
  r.use(errorPage(ui));
  return r;
}

/** Errors as a page (or, for htmx, a fragment) with the code and a message a person can act on. */
function errorPage(ui: Ui) {
  return (err: unknown, req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) return next(err);
    const error = uiError(err);
    if (error.code === 'INTERNAL') ui.logger.error({ err, method: req.method, path: req.path }, 'web interface request failed');
    if (req.get('hx-request')) {
      res
        .status(error.httpStatus)
        .type('html')
        .send(`<p class="error" role="alert">${escapeHtml(error.message)} [${escapeHtml(error.code)}]</p>`);
      return;
    }
    ui.page(req, res, 'error.njk', { error }, error.httpStatus);
  };
}

function uiError(err: unknown): NetsyncError {
  if (isNetsyncError(err)) return err;
  const e = err as { code?: string; type?: string; status?: number; message?: string };
  if (e.code === 'EBADCSRFTOKEN')
    return new NetsyncError('FORBIDDEN', 'the form had no valid CSRF token (the page may be from an earlier session): reload it and try again');
  if (e.type === 'entity.too.large') return new NetsyncError('PAYLOAD_TOO_LARGE', 'the form is larger than the limit');
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) return new NetsyncError('BAD_REQUEST', `bad request: ${e.message ?? 'refused'}`);
  return new NetsyncError('INTERNAL', 'internal error; see the daemon log');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
