/** `netsync serve`: run the daemon until SIGINT/SIGTERM. */
import { Option, type Command } from 'commander';
import { loadConfig } from '../../config/load.ts';
import { createDaemon } from '../../compose/daemon.ts';
import { createLogger, prettyDestination, resolveLogFormat, type LogFormat } from '../../logging/logger.ts';
import { portNumber } from '../options.ts';
import { secretsFromEnv } from '../../render/maskSecrets.ts';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the netsync daemon (REST API, webhooks, scheduler)')
    .option('-c, --config <file>', 'netsync.yml to use (env NETSYNC_CONFIG)')
    .option('-p, --port <port>', 'override listen.port', portNumber)
    .option('--replica <name>', "this replica's name in logs, job records and /healthz (env NETSYNC_REPLICA; default: the host name)")
    .addOption(
      new Option('--log-format <format>', 'log lines: pretty (coloured, for a terminal), json, or auto (pretty on a TTY)')
        .choices(['auto', 'pretty', 'json'])
        .default('auto'),
    )
    .action(async (flags: { config?: string; port?: number; replica?: string; logFormat: LogFormat | 'auto' }) => {
      const loaded = await loadConfig(flags.config ?? process.env.NETSYNC_CONFIG);
      if (flags.port !== undefined) loaded.config.listen.port = flags.port;
      const format = resolveLogFormat(flags.logFormat, process.stdout.isTTY);
      const logger = createLogger(loaded.config.log.level, format === 'pretty' ? await prettyDestination(1) : undefined, secretsFromEnv(process.env));
      const replicaName = flags.replica ?? process.env.NETSYNC_REPLICA;
      const daemon = await createDaemon(loaded, { logger, ...(replicaName ? { replicaName } : {}) });
      const address = await daemon.listen();
      process.stderr.write(`netsync listening on http://${address.address}:${address.port}\n`);
      if (daemon.tokenFile) process.stderr.write(`operator API token: ${daemon.tokenFile} (the CLI reads it from there)\n`);
      const shutdown = async (signal: string) => {
        daemon.logger.info({ signal }, 'shutting down');
        await daemon.stop();
        process.exit(0);
      };
      process.once('SIGINT', () => void shutdown('SIGINT'));
      process.once('SIGTERM', () => void shutdown('SIGTERM'));
    });
}
