/**
 * Ids in request paths, checked before any service sees them: a hostname must be one netsync could have
 * stored, other ids are short tokens. Anything else cannot name a record, so it is NOT_FOUND at once, with
 * the id clipped in the answer (a 16 KB id is not echoed back).
 */
import type { NextFunction, Request, Response, Router } from 'express';
import { HOSTNAME_PATTERN } from '../model/device.ts';
import { NetsyncError } from '../model/errors.ts';
import { clip } from './errors.ts';

export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
/** Interface names carry slashes and the like ("Ethernet1/1"); only their length is bounded. */
export const MAX_INTERFACE_NAME = 64;

type ParamCheck = (req: Request, res: Response, next: NextFunction, value: string) => void;

function check(what: string, valid: (value: string) => boolean): ParamCheck {
  return (_req, _res, next, value) => {
    if (valid(value)) return next();
    next(new NetsyncError('NOT_FOUND', `${what} '${clip(value, 64)}' does not exist`, { [what]: clip(value, 64) }));
  };
}

/** Registers the checks for the path parameters a router uses; `id` names what the router's ids are ids of. */
export function checkPathIds(r: Router, idOf?: string): Router {
  r.param(
    'hostname',
    check('device', (v) => HOSTNAME_PATTERN.test(v)),
  );
  r.param(
    'name',
    check('interface', (v) => v.length > 0 && v.length <= MAX_INTERFACE_NAME),
  );
  if (idOf)
    r.param(
      'id',
      check(idOf, (v) => ID_PATTERN.test(v)),
    );
  return r;
}
