/** `netsync commit`: push configs to devices as one transaction through the daemon's transactions API. */
import { readFile } from 'node:fs/promises';
import Table from 'cli-table3';
import type { Command } from 'commander';
import type { TransactionView } from '../../commit/transactionService.ts';
import { NetsyncError } from '../../model/errors.ts';
import { CONFIG_HASH_PATTERN } from '../../render/configHash.ts';
import { ApiClient } from '../apiClient.ts';
import { printJson } from '../format.ts';
import { addClientOptions, type ClientFlags } from '../options.ts';

interface CommitCliFlags extends ClientFlags {
  device: string[];
  config: string[];
  validate: boolean;
  confirmedCommit: boolean;
  rollback: boolean;
  skipUnreachable?: boolean;
  confirmTimeout?: string;
  merge?: boolean;
  expectedHash: string[];
  json?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** `--expected-hash HOST=sha256:...` values by lower-cased hostname; each must name a --device, once. */
export function parseExpectedHashes(values: string[], devices: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const known = new Set(devices.map((d) => d.toLowerCase()));
  for (const value of values) {
    const eq = value.indexOf('=');
    const host = eq > 0 ? value.slice(0, eq) : '';
    const hash = value.slice(eq + 1);
    if (!host || !CONFIG_HASH_PATTERN.test(hash)) {
      throw new NetsyncError('BAD_REQUEST', `--expected-hash takes HOSTNAME=sha256:<64 hex digits>, the configHash of the device record (got '${value}')`, {
        value,
      });
    }
    const key = host.toLowerCase();
    if (!known.has(key)) throw new NetsyncError('BAD_REQUEST', `--expected-hash names ${host}, which is not one of the --device options`, { hostname: host });
    if (out.has(key)) throw new NetsyncError('BAD_REQUEST', `--expected-hash is given twice for ${host}`, { hostname: host });
    out.set(key, hash);
  }
  return out;
}

export function renderOutcome(tx: TransactionView): string {
  const outcome = tx.outcome;
  if (!outcome) return `transaction ${tx.id}: ${tx.status}${tx.error ? ` (${tx.error})` : ''}\n`;
  const table = new Table({
    head: ['DEVICE', 'CONFIGURATION', 'ROLLBACK', 'PHASE', 'ERROR'],
    style: { head: [], border: [], compact: true },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const n of outcome['node-results']) {
    table.push([n['node-id'], n['configuration-status'], n['rollback-status'], n.phase, n.error ? `${n.error.code}: ${n.error.message}` : '']);
  }
  const unreachable = outcome['unreachable-nodes'].length ? `unreachable (skipped): ${outcome['unreachable-nodes'].join(', ')}\n` : '';
  return `${table.toString()}\n${unreachable}transaction ${tx.id}: ${outcome.status}\n`;
}

export function registerCommit(program: Command): void {
  addClientOptions(
    program
      .command('commit')
      .description('commit configs to devices as one transaction (all devices or none)')
      .requiredOption('--device <hostname>', 'device to configure (repeat; pairs with --config in order)', collect, [])
      .requiredOption('--config <file>', 'config file for the --device at the same position (repeat)', collect, [])
      .option('--no-validate', 'skip the validate phase')
      .option('--no-confirmed-commit', 'plain commit instead of confirmed commit + confirm')
      .option('--no-rollback', 'on failure roll back only the failed devices (keep the others committed)')
      .option('--skip-unreachable', 'leave unreachable devices out instead of failing the transaction')
      .option('--confirm-timeout <seconds>', 'seconds a device waits for the confirming commit before reverting')
      .option('--merge', 'merge into the running config instead of replacing it')
      .option(
        '--expected-hash <hostname=hash>',
        "fail that device unless the store and the device still hold this config hash (the device record's configHash; repeat)",
        collect,
        [],
      )
      .option('--json', 'machine-readable output'),
  ).action(async (flags: CommitCliFlags) => {
    if (flags.device.length !== flags.config.length) {
      throw new NetsyncError('BAD_REQUEST', `give one --config per --device (got ${flags.device.length} devices, ${flags.config.length} configs)`);
    }
    // Checked before staging, so bad input leaves no staged transaction behind.
    const confirmTimeout = flags.confirmTimeout === undefined ? undefined : Number(flags.confirmTimeout);
    if (confirmTimeout !== undefined && !(Number.isInteger(confirmTimeout) && confirmTimeout >= 1)) {
      throw new NetsyncError('BAD_REQUEST', `--confirm-timeout takes whole seconds, at least 1 (got '${flags.confirmTimeout}')`, {
        value: flags.confirmTimeout,
      });
    }
    const expected = parseExpectedHashes(flags.expectedHash, flags.device);
    const devices = await Promise.all(
      flags.device.map(async (hostname, i) => {
        const file = flags.config[i]!;
        const hash = expected.get(hostname.toLowerCase());
        try {
          return { hostname, config: await readFile(file, 'utf8'), ...(hash ? { expected_hash: hash } : {}) };
        } catch (err) {
          throw new NetsyncError('BAD_REQUEST', `cannot read config file ${file} for ${hostname}: ${(err as Error).message}`, { file });
        }
      }),
    );
    // A transaction over many devices may take minutes; the daemon answers when it is done.
    const client = await ApiClient.create({ ...flags, timeoutMs: 60 * 60_000 });
    const staged = await client.post<{ transaction: TransactionView }>('/api/v1/transactions', { devices });
    const body: Record<string, unknown> = {
      do_validate: flags.validate,
      do_confirmed_commit: flags.confirmedCommit,
      do_rollback: flags.rollback,
      skip_unreachable: Boolean(flags.skipUnreachable),
    };
    if (confirmTimeout !== undefined) body.confirm_timeout = confirmTimeout;
    if (flags.merge) body.mode = 'merge';
    const { transaction } = await client.post<{ transaction: TransactionView }>(`/api/v1/transactions/${staged.transaction.id}/commit`, body);
    if (flags.json) printJson(transaction);
    else process.stdout.write(renderOutcome(transaction));
    if (transaction.status !== 'complete') process.exitCode = 1;
  });
}
