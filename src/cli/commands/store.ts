/** `netsync store migrate --to postgres://...`: copy the lowdb store into PostgreSQL and compare the counts. */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { loadConfig } from '../../config/load.ts';
import { lowdbStorePath } from '../../compose/openStore.ts';
import { storeCollections } from '../../compose/storeCollections.ts';
import { NetsyncError } from '../../model/errors.ts';
import { copyLowdbToPostgres, type CopyReport } from '../../store/copyLowdbToPostgres.ts';
import { printJson } from '../format.ts';
import { formatTable } from '../table.ts';

interface MigrateFlags {
  to?: string;
  from?: string;
  config?: string;
  force?: boolean;
  json?: boolean;
}

export function renderCopyReport(report: CopyReport): string {
  const rows = report.counts.map((c) => [c.what, c.source, c.target, c.source === c.target ? 'ok' : 'DIFFERS']);
  const verdict = report.ok ? `copied into ${report.target}; every count matches` : `copied into ${report.target}, but the counts differ`;
  return `${formatTable(['WHAT', 'LOWDB', 'POSTGRES', ''], rows)}\n${verdict}\n`;
}

/** The lowdb file to copy: --from, else the one the config names (its store must be lowdb). */
async function sourceFile(flags: MigrateFlags): Promise<string> {
  if (flags.from) return flags.from;
  const file = flags.config ?? process.env.NETSYNC_CONFIG ?? (existsSync('netsync.yml') ? 'netsync.yml' : undefined);
  const loaded = await loadConfig(file);
  const { store } = loaded.config;
  if (store.kind !== 'lowdb') {
    throw new NetsyncError('BAD_REQUEST', `the config${file ? ` ${file}` : ''} already uses the ${store.kind} store; name the lowdb file to copy with --from`, {
      store: store.kind,
    });
  }
  return lowdbStorePath(store, { dataDir: loaded.resolvePath(loaded.config.dataDir), resolvePath: loaded.resolvePath });
}

export function registerStore(program: Command): void {
  const store = program.command('store').description('the store itself: copy the lowdb file into PostgreSQL');
  store
    .command('migrate')
    .description('copy a lowdb store (devices, history, records, meta) into a PostgreSQL store and compare the counts; stop the daemon first')
    .option(
      '--to <url>',
      'the PostgreSQL store, postgres://user:password@host:5432/database (env NETSYNC_DATABASE_URL, which keeps the password out of the process list)',
    )
    .option('--from <file>', "the lowdb store file (default: the config's store, <dataDir>/store.json)")
    .option('-c, --config <file>', 'netsync.yml naming the lowdb store (env NETSYNC_CONFIG)')
    .option('--force', 'replace whatever the PostgreSQL store already holds')
    .option('--json', 'machine-readable output')
    .action(async (flags: MigrateFlags) => {
      const to = flags.to ?? process.env.NETSYNC_DATABASE_URL;
      if (!to) throw new NetsyncError('BAD_REQUEST', 'name the PostgreSQL store: --to postgres://... or env NETSYNC_DATABASE_URL', {});
      const report = await copyLowdbToPostgres({ from: await sourceFile(flags), to, force: flags.force ?? false, collections: storeCollections });
      if (flags.json) printJson(report);
      else process.stdout.write(renderCopyReport(report));
      if (!report.ok) process.exitCode = 1;
    });
}
