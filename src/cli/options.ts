/** Options every command that talks to the daemon shares. */
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';

export interface ClientFlags {
  url?: string;
  token?: string;
  dataDir?: string;
}

export function addClientOptions(cmd: Command): Command {
  return cmd
    .option('--url <url>', 'daemon URL (env NETSYNC_URL)', undefined)
    .option('--token <token>', 'API bearer token (env NETSYNC_TOKEN; default: the token file in the data dir)')
    .option('--data-dir <dir>', 'data dir holding the generated token (env NETSYNC_DATA_DIR)', undefined);
}

/** Option parser for a whole number of seconds > 0: a typo is a usage error (exit 2), never NaN. */
export function positiveSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a whole number of seconds > 0.');
  return n;
}

/** Option parser for a TCP port (0 = any free port): a typo is a usage error (exit 2), not a crash at listen. */
export function portNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number 0-65535');
  return n;
}
