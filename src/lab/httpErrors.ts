/**
 * The lab control API's error answers, in the daemon's shape ({error: {code, message}}) without depending on
 * the daemon's API layer: the lab is a simulator and imports nothing from src/api.
 */
import type { NextFunction, Request, Response } from 'express';
import { NetsyncError, isNetsyncError } from '../model/errors.ts';

export function labNotFound(req: Request, _res: Response, next: NextFunction): void {
  next(new NetsyncError('NOT_FOUND', `no such endpoint: ${req.method} ${req.path}`));
}

export function labErrorHandler(err: unknown, _req: Request, res: Response, _next: NextFunction): void {
  const status = (err as { status?: unknown })?.status;
  const error = isNetsyncError(err)
    ? err
    : typeof status === 'number' && status >= 400 && status < 500
      ? new NetsyncError('BAD_REQUEST', `bad request: ${(err as Error).message}`)
      : new NetsyncError('INTERNAL', 'internal error in the lab control API');
  res.status(error.httpStatus).json({ error: { code: error.code, message: error.message, ...(Object.keys(error.data).length ? { data: error.data } : {}) } });
}
