/** pino, with the fields that may carry secrets redacted before anything is written. */
import { pino } from 'pino';
import type { Logger } from '../model/ports.ts';

export const REDACTED_PATHS = [
  'token',
  '*.token',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  '*.headers.authorization',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  return destination ? pino(options, destination as pino.DestinationStream) : pino(options);
}
