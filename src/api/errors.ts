/** Maps every failure to a JSON error with a stable code; internals never leak to the client. */
import type { NextFunction, Request, Response } from 'express';
import { NetsyncError, isNetsyncError } from '../model/errors.ts';
import type { Logger } from '../model/ports.ts';
import type { RefusalLog } from '../logging/refusalLog.ts';

export interface ErrorBody {
  error: { code: string; message: string; data?: Record<string, unknown> };
}

interface HttpLibraryError {
  type?: string;
  message?: string;
  status?: number;
}

/**
 * body-parser marks its errors with `type`; express's router and other HTTP libraries set a 4xx `status`
 * for what the client got wrong (e.g. a path that is not valid percent-encoding). Turn them into our codes.
 */
function fromHttpLibrary(err: HttpLibraryError): NetsyncError | undefined {
  if (err.type === 'entity.too.large') return new NetsyncError('PAYLOAD_TOO_LARGE', 'request body is larger than the limit');
  if (err.type === 'entity.parse.failed') return new NetsyncError('BAD_REQUEST', `request body is not valid JSON: ${err.message}`);
  if (err.type === 'encoding.unsupported' || err.type === 'charset.unsupported') {
    return new NetsyncError('BAD_REQUEST', `unsupported request encoding: ${err.message}`);
  }
  if (err instanceof URIError) return new NetsyncError('BAD_REQUEST', `the URL path is not valid percent-encoding: ${err.message}`);
  if (typeof err.status === 'number' && err.status >= 400 && err.status < 500) {
    return new NetsyncError('BAD_REQUEST', `bad request: ${err.message ?? 'refused by the HTTP layer'}`);
  }
  return undefined;
}

/** Refusals are logged through `refusals` (bounded: a flood of bad tokens is a few lines); a failure of ours, each time. */
export function errorHandler(logger: Logger, refusals: RefusalLog) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const known = isNetsyncError(err) ? err : fromHttpLibrary(err as HttpLibraryError);
    const error = known ?? new NetsyncError('INTERNAL', 'internal error; see the daemon log');
    if (!known) logger.error({ err, method: req.method, path: clip(req.path) }, 'request failed');
    else refusals.note(error.code, { status: error.httpStatus, method: req.method, path: clip(req.path) }, clip(error.message));
    const body: ErrorBody = { error: { code: error.code, message: error.message } };
    if (known && Object.keys(error.data).length > 0) body.error.data = error.data;
    // RFC 6750: a 401 tells the client which scheme to use.
    if (error.code === 'UNAUTHENTICATED') res.set('www-authenticate', 'Bearer realm="netsync"');
    res.status(error.httpStatus).json(body);
  };
}

export function notFoundHandler(req: Request, _res: Response, next: NextFunction): void {
  next(new NetsyncError('NOT_FOUND', `no such endpoint: ${req.method} ${clip(req.path)}`));
}

/** Client text echoed into logs and answers, cut to a length a person reads. */
export function clip(text: string, max = 200): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}
