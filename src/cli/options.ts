/** Options every command that talks to the daemon shares. */
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
