/** GET /api/v1/openapi.json: the REST API's OpenAPI 3.1 description (public: it holds no data). */
import { Router } from 'express';
import { OPENAPI_DOCUMENT } from '../openapi.ts';

export function openapiRouter(): Router {
  const r = Router();
  r.get('/api/v1/openapi.json', (_req, res) => void res.json(OPENAPI_DOCUMENT));
  return r;
}
