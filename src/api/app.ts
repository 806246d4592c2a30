/**
 * The HTTP application: JSON parsing with a size limit, auth on /api/v1, the
 * routers each module contributes, and one error handler. Holds no business rules.
 */
import express from 'express';
import type { Router } from 'express';
import { NetsyncError } from '../model/errors.ts';
import type { Logger } from '../model/ports.ts';
import { RefusalLog } from '../logging/refusalLog.ts';
import type { TokenAuth } from './auth.ts';
import { errorHandler, notFoundHandler } from './errors.ts';

const JSON_TYPES = ['application/json', 'application/*+json'];

export interface AppParts {
  auth: TokenAuth;
  logger: Logger;
  bodyLimit: string;
  /** Routers mounted under /api/v1 behind token auth. */
  apiRouters: Router[];
  /** Routers mounted at the root without token auth (health, webhooks with their own verification, metrics). */
  publicRouters: Router[];
  /** Where refused requests are counted (one line per cause and interval); defaults to one on `logger`. */
  refusals?: RefusalLog;
  /** The web interface (its own session sign-in), after the API so it never sees an API request. */
  uiRouter?: Router;
}

export function createApp(parts: AppParts): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  for (const router of parts.publicRouters) app.use(router);

  const api = express.Router();
  api.use(parts.auth.middleware());
  api.use(express.json({ limit: parts.bodyLimit, strict: true, type: JSON_TYPES }));
  api.use(requireJsonBody);
  api.use(refuseBodyWhereNoneIsTaken);
  for (const router of parts.apiRouters) api.use(router);
  app.use('/api/v1', api);
  if (parts.uiRouter) app.use(parts.uiRouter);

  app.use(notFoundHandler);
  app.use(errorHandler(parts.logger, parts.refusals ?? new RefusalLog(parts.logger)));
  return app;
}

/**
 * A body the JSON parser skipped (another or no Content-Type) would otherwise read as
 * "every field missing"; say what is actually wrong. Requests without a body pass.
 */
function requireJsonBody(req: express.Request, _res: express.Response, next: express.NextFunction): void {
  // fetch() and curl -X POST send "Content-Length: 0" with no type; that is no body, not a wrong one.
  const empty = req.get('content-length') === '0';
  if (!empty && req.is(JSON_TYPES) === false) {
    throw new NetsyncError(
      'UNSUPPORTED_MEDIA_TYPE',
      `request body must be JSON sent with Content-Type: application/json (got ${req.get('content-type') ?? 'no Content-Type'})`,
      { contentType: req.get('content-type') ?? null },
    );
  }
  next();
}

/**
 * GET, HEAD and DELETE take no body here: one sent anyway is a mistake (docs/guides/rest-api.md: unknown fields are 400), not
 * something to ignore. An empty body passes. POST actions without parameters check theirs with emptyBodySchema.
 */
function refuseBodyWhereNoneIsTaken(req: express.Request, _res: express.Response, next: express.NextFunction): void {
  if (!['GET', 'HEAD', 'DELETE'].includes(req.method)) return next();
  const length = req.get('content-length');
  const sent = req.get('transfer-encoding') !== undefined || (length !== undefined && length !== '0');
  if (sent) {
    throw new NetsyncError('BAD_REQUEST', `${req.method} ${req.baseUrl}${req.path} takes no request body; send none`, { method: req.method });
  }
  next();
}
