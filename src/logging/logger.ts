/** pino, with the fields that may carry secrets redacted before anything is written. */
import { pino } from 'pino';
import type { Logger } from '../model/ports.ts';
import { maskWithSubstitutions, valueSubstitutions } from '../render/secretPlaceholders.ts';

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

export type LogFormat = 'json' | 'pretty';

/** `auto` means pretty for a person at a terminal, JSON for a log collector (a pipe, a file, journald). */
export function resolveLogFormat(requested: LogFormat | 'auto', isTTY: boolean | undefined): LogFormat {
  return requested === 'auto' ? (isTTY ? 'pretty' : 'json') : requested;
}

/**
 * Human-readable coloured lines (pino-pretty, in this thread: no worker thread for a transport), loaded only
 * when asked for so a JSON daemon never pays for it.
 */
export async function prettyDestination(fd = 1): Promise<NodeJS.WritableStream> {
  const { default: pretty } = await import('pino-pretty');
  return pretty({ colorize: true, destination: fd, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', sync: true });
}

/**
 * `secrets`: the template secrets (NETSYNC_SECRET_*); a log line holding one of their values, as written or
 * JSON-escaped, gets the placeholder instead. A last wall: what netsync logs is already masked (device text
 * by the render's substitutions, render errors from the placeholder render).
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream, secrets: Record<string, string> = {}): Logger {
  const subs = valueSubstitutions(secrets).flatMap((s) => [s, { real: JSON.stringify(s.real).slice(1, -1), shown: s.shown }]);
  const options = {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    ...(subs.length > 0 ? { hooks: { streamWrite: (line: string) => maskWithSubstitutions(line, subs) } } : {}),
  };
  return destination ? pino(options, destination as pino.DestinationStream) : pino(options);
}
