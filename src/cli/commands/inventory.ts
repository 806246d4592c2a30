/** `netsync inventory sync`: reconcile the inventory with the external systems through the daemon. */
import type { Command } from 'commander';
import { NetsyncError } from '../../model/errors.ts';
import type { DeviceReport, SyncReport } from '../../sources/inventorySync.ts';
import { ApiClient } from '../apiClient.ts';
import { printJson } from '../format.ts';
import { addClientOptions, positiveSeconds, type ClientFlags } from '../options.ts';

export function registerInventory(program: Command): void {
  const inventory = program.command('inventory').description('keep the inventory in step with NSO, NetBox and the BSS');
  addClientOptions(
    inventory
      .command('sync')
      .description('add and delete devices across netsync and the configured sources, verified over SSH')
      .option('--dry-run', 'show the plan without changing anything')
      .option('--json', 'machine-readable output')
      .option('--timeout <seconds>', 'how long to wait for the sync to finish', positiveSeconds, 900),
  ).action(async (flags: ClientFlags & { dryRun?: boolean; json?: boolean; timeout: number }) => {
    const client = await ApiClient.create(flags);
    const report = await runAndWait(client, Boolean(flags.dryRun), flags.timeout * 1000);
    if (flags.json) printJson(report);
    else process.stdout.write(formatReport(report));
    // Conflicts and unreachable devices are reports; a system or a step that failed is a failure.
    if (report.summary.failedSteps > 0 || report.sources.some((s) => s.status === 'failed')) process.exitCode = 1;
  });
}

/** Starts the sync without holding the request open (probing many devices takes a while), then polls for its report. */
async function runAndWait(client: ApiClient, dryRun: boolean, timeoutMs: number): Promise<SyncReport> {
  const { id } = await client.post<{ id: string }>('/api/v1/inventory/sync', { dry_run: dryRun, wait: false });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await client.get<{ running: { id: string } | null; last: SyncReport | null }>('/api/v1/inventory/sync');
    if (status.last?.id === id) return status.last;
    if (status.running?.id !== id) {
      throw new NetsyncError('INTERNAL', `inventory sync ${id} ended without a report; see the daemon log`, { id });
    }
    if (Date.now() > deadline) {
      throw new NetsyncError('TIMEOUT', `inventory sync ${id} is still running after ${timeoutMs / 1000} s; its report will be at GET /api/v1/inventory/sync`, {
        id,
      });
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

export function formatReport(report: SyncReport): string {
  const lines: string[] = [];
  lines.push(report.dryRun ? 'inventory sync plan (dry run, nothing changed)' : 'inventory sync');
  for (const s of report.sources) {
    const note = s.status === 'failed' ? ` — ${s.error?.message}` : s.status === 'empty' ? ' — answered with no devices; left out (guard)' : '';
    lines.push(`  ${s.source.padEnd(7)} ${s.status.padEnd(7)} ${String(s.count).padStart(5)} devices${note}`);
  }
  const { summary } = report;
  lines.push(
    `${summary.add} to add, ${summary.delete} to delete, ${summary.conflict} conflicts, ${summary.unreachable} unreachable, ${summary.none} in step` +
      (summary.failedSteps ? `, ${summary.failedSteps} failed steps` : ''),
  );
  for (const d of report.devices) lines.push(formatDevice(d));
  return `${lines.join('\n')}\n`;
}

function formatDevice(d: DeviceReport): string {
  const head = `  ${d.action.padEnd(11)} ${d.hostname.padEnd(20)} ${d.reason}`;
  const steps = d.steps.map((s) => `      ${s.op} ${s.source} '${s.name}': ${s.status}${s.error ? ` (${s.error.code}: ${s.error.message})` : ''}`);
  return [head, ...steps].join('\n');
}
