/** A replica's id: the configured name (or the host name), the process id and a random suffix, unique per start. */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

export function newReplicaId(name?: string): string {
  return `${name ?? hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}
