/** The refusals and the half-done outcome of an interface bounce, worded the same for every driver. */
import { NetsyncError } from '../model/errors.ts';

export function notInRunning(hostname: string, name: string): NetsyncError {
  return new NetsyncError('NOT_FOUND', `${hostname}: interface ${name} is not in the device's running config; nothing to bounce`, {
    hostname,
    interface: name,
  });
}

export function adminDown(hostname: string, name: string): NetsyncError {
  return new NetsyncError('CONFLICT', `${hostname}: interface ${name} is administratively down (shut down in its config); nothing to bounce`, {
    hostname,
    interface: name,
  });
}

/** The shut went through but the restore did not: the operator must know the interface may still be down. */
export function leftDown(hostname: string, name: string, err: unknown): NetsyncError {
  const code = err instanceof NetsyncError ? err.code : 'INTERNAL';
  return new NetsyncError(
    'BOUNCE_INCOMPLETE',
    `${hostname}: interface ${name} was shut down but restoring it failed (${code}: ${(err as Error)?.message ?? String(err)}); it may still be down: check it on the device or re-sync`,
    { hostname, interface: name, cause: code },
    { cause: err },
  );
}
