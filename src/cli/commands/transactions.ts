/** `netsync transactions [ID]`: staged and committed transactions, or one with its per-device outcome. */
import type { Command } from 'commander';
import type { TransactionView } from '../../commit/transactionService.ts';
import { ApiClient } from '../apiClient.ts';
import { printJson, shortActor, shortId } from '../format.ts';
import { resolveId } from '../idPrefix.ts';
import { addClientOptions, type ClientFlags } from '../options.ts';
import { formatTable } from '../table.ts';
import { changedLines } from './jobs.ts';

const when = (iso: string | undefined) => (iso ? iso.replace('T', ' ').slice(0, 19) : '-');

export function renderTransactionList(txs: TransactionView[]): string {
  const rows = [...txs]
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .map((t) => [shortId(t.id), t.status, when(t.createdAt), shortActor(t.by), String(t.devices.length), t.comment ?? '']);
  return `${formatTable(['ID', 'STATUS', 'CREATED', 'BY', 'DEVICES', 'COMMENT'], rows, { cut: [3, 5] })}\n${txs.length} transactions, newest first (netsync transactions ID shows one)\n`;
}

export function renderTransactionDetail(t: TransactionView, withDiffs: boolean): string {
  const head = [
    `transaction ${t.id} ${t.status}${t.phase ? ` (phase ${t.phase})` : ''}`,
    `  staged by ${t.by} at ${when(t.createdAt)}${t.committedBy ? `, committed by ${t.committedBy}` : ''}${t.comment ? `, comment: ${t.comment}` : ''}`,
    `  started ${when(t.startedAt)}, finished ${when(t.finishedAt)}`,
    ...(t.error ? [`  error: ${t.error}`] : []),
  ];
  const results = new Map((t.outcome?.['node-results'] ?? []).map((n) => [n['node-id'], n]));
  const unreachable = new Set(t.outcome?.['unreachable-nodes'] ?? []);
  const table = formatTable(
    ['HOSTNAME', 'CONFIG LINES', 'RESULT', 'PHASE', 'ROLLBACK', 'CHANGED LINES', 'ERROR'],
    t.devices.map((d) => {
      const n = results.get(d.hostname);
      return [
        d.hostname,
        String(d.configLines),
        n ? n['configuration-status'] : unreachable.has(d.hostname) ? 'unreachable' : t.status === 'staged' ? 'staged' : '-',
        n?.phase ?? '-',
        n?.['rollback-status'] ?? '-',
        n?.diff ? String(changedLines(n.diff)) : '-',
        n?.error ? `${n.error.code}: ${n.error.message}` : '',
      ];
    }),
    { cut: [6] },
  );
  const diffs = withDiffs
    ? [...results.values()]
        .filter((n) => n.diff)
        .map((n) => `\n${n['node-id']}:\n${n.diff!.trimEnd()}\n`)
        .join('')
    : '';
  return `${head.join('\n')}\n${table}\n${diffs}`;
}

export function registerTransactions(program: Command): void {
  addClientOptions(
    program
      .command('transactions [id]')
      .description('staged and committed transactions; with an ID (or its first characters) one with its per-device outcome')
      .option('--no-diff', 'leave the per-device diffs out')
      .option('--json', 'machine-readable output'),
  ).action(async (id: string | undefined, flags: ClientFlags & { diff: boolean; json?: boolean }) => {
    const client = await ApiClient.create(flags);
    if (!id) {
      const { transactions } = await client.get<{ transactions: TransactionView[] }>('/api/v1/transactions');
      if (flags.json) printJson({ transactions });
      else process.stdout.write(renderTransactionList(transactions));
      return;
    }
    const full = await resolveId(
      id,
      async () => (await client.get<{ transactions: TransactionView[] }>('/api/v1/transactions')).transactions.map((t) => t.id),
      'transaction',
    );
    const { transaction } = await client.get<{ transaction: TransactionView }>(`/api/v1/transactions/${encodeURIComponent(full)}`);
    if (flags.json) printJson({ transaction });
    else process.stdout.write(renderTransactionDetail(transaction, flags.diff));
  });
}
