/**
 * The HTTP application: JSON parsing with a size limit, auth on /api/v1, the
 * routers each module contributes, and one error handler. Holds no business rules.
 */
import express from 'express';
import type { Router } from 'express';
import type { Logger } from '../model/ports.ts';
import type { TokenAuth } from './auth.ts';
import { errorHandler, notFoundHandler } from './errors.ts';

export interface AppParts {
  auth: TokenAuth;
  logger: Logger;
  bodyLimit: string;
  /** Routers mounted under /api/v1 behind token auth. */
  apiRouters: Router[];
  /** Routers mounted at the root without token auth (health, webhooks with their own verification, metrics). */
  publicRouters: Router[];
}

export function createApp(parts: AppParts): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  for (const router of parts.publicRouters) app.use(router);

  const api = express.Router();
  api.use(parts.auth.middleware());
  api.use(express.json({ limit: parts.bodyLimit, strict: true, type: ['application/json', 'application/*+json'] }));
  for (const router of parts.apiRouters) api.use(router);
  app.use('/api/v1', api);

  app.use(notFoundHandler);
  app.use(errorHandler(parts.logger));
  return app;
}
