/** `netsync sync`: start a syncto job, optionally wait for it with a progress bar and a per-device summary. */
import Table from 'cli-table3';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { NetsyncError } from '../../model/errors.ts';
import type { Job } from '../../model/job.ts';
import { isFinished } from '../../model/job.ts';
import { ApiClient } from '../apiClient.ts';
import { printJson } from '../format.ts';
import { addClientOptions, positiveSeconds, type ClientFlags } from '../options.ts';
import { naturalCompare } from '../../model/naturalCompare.ts';

interface SyncFlags extends ClientFlags {
  all?: boolean;
  group?: string;
  type?: string;
  hostname?: string;
  dryRun?: boolean;
  resync?: boolean;
  force?: boolean;
  wait?: boolean;
  json?: boolean;
  comment?: string;
  ticketRef?: string;
  validate?: boolean;
  confirmedCommit?: boolean;
  confirmTimeout?: number;
  rollback?: boolean;
  skipUnreachable?: boolean;
}

export function synctoBody(flags: SyncFlags): Record<string, unknown> {
  const targets = [flags.all, flags.group, flags.type, flags.hostname].filter((t) => t !== undefined && t !== false);
  if (targets.length !== 1) throw new NetsyncError('VALIDATION_FAILED', 'give exactly one of --all, --group G, --type T, --hostname H');
  return {
    ...(flags.all ? { all: true } : {}),
    ...(flags.group ? { group: flags.group } : {}),
    ...(flags.type ? { device_type: flags.type } : {}),
    ...(flags.hostname ? { hostname: flags.hostname } : {}),
    dry_run: Boolean(flags.dryRun),
    resync: Boolean(flags.resync),
    force: Boolean(flags.force),
    ...(flags.comment ? { comment: flags.comment } : {}),
    ...(flags.ticketRef ? { ticket_ref: flags.ticketRef } : {}),
    ...(flags.validate === false ? { do_validate: false } : {}),
    ...(flags.confirmedCommit === false ? { do_confirmed_commit: false } : {}),
    ...(flags.confirmTimeout !== undefined ? { confirm_timeout: flags.confirmTimeout } : {}),
    ...(flags.rollback === false ? { do_rollback: false } : {}),
    ...(flags.skipUnreachable ? { skip_unreachable: true } : {}),
  };
}

export function renderJobSummary(job: Job): string {
  const table = new Table({
    head: ['HOSTNAME', 'RESULT', 'CHANGED LINES', 'ERROR'],
    style: { head: [], border: [], compact: true },
  });
  for (const [hostname, r] of Object.entries(job.perDevice).sort(([a], [b]) => naturalCompare(a, b))) {
    table.push([hostname, r.status, String(changedLines(r.diff)), oneLine(r.error ?? '', 100)]);
  }
  const counts = Object.values(job.perDevice).reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }), {});
  const summary =
    Object.entries(counts)
      .map(([s, n]) => `${n} ${s}`)
      .join(', ') || noneSelected(job);
  return `${diffs(job)}${table.toString()}\njob ${job.id} ${job.status}${job.args.dryRun ? ' (dry run)' : ''}: ${summary}${job.error ? `\n${job.error}` : ''}\n`;
}

/** The diffs a person acts on: what a dry run would push, and what drifted (left out of the push). */
function diffs(job: Job): string {
  return Object.entries(job.perDevice)
    .filter(([, r]) => (r.status === 'would-change' || r.status === 'drift') && r.diff)
    .sort(([a], [b]) => naturalCompare(a, b))
    .map(
      ([hostname, r]) =>
        `${r.status === 'drift' ? `${hostname}: changed on the device outside netsync (running -> intended)` : `${hostname}: would change`}\n${r.diff!.replace(/^(Index:.*\n)?=+\n/, '')}\n`,
    )
    .join('');
}

function noneSelected(job: Job): string {
  // Say why the table is empty (a --hostname target always selects its device).
  return job.args.resync ? 'no devices selected' : 'no devices selected (only unsynchronized MANAGED devices are synced; --resync includes synchronized ones)';
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function changedLines(diff: string | undefined): number {
  if (!diff) return 0;
  return diff.split('\n').filter((l) => /^[+-]/.test(l) && !/^(\+\+\+|---)/.test(l)).length;
}

async function waitForJob(client: ApiClient, id: string, showProgress: boolean): Promise<Job> {
  const bar = showProgress ? new SingleBar({ format: 'syncing [{bar}] {value}/{total} devices', hideCursor: true }) : undefined;
  let started = false;
  try {
    for (;;) {
      const { job } = await client.get<{ job: Job }>(`/api/v1/jobs/${id}`);
      if (bar) {
        if (!started) bar.start(job.progress.total, job.progress.done);
        started = true;
        bar.setTotal(job.progress.total);
        bar.update(job.progress.done);
      }
      if (isFinished(job.status)) return job;
      await new Promise((r) => setTimeout(r, 300));
    }
  } finally {
    // Also when the daemon goes away mid-wait: the bar hid the cursor.
    if (started) bar?.stop();
  }
}

/** `--all` takes only unsynchronized MANAGED devices: when there are none, a job would do nothing. */
async function nothingToSync(client: ApiClient): Promise<boolean> {
  const { devices } = await client.get<{ devices: { state: string }[] }>('/api/v1/devices?synchronized=false&state=MANAGED');
  return devices.length === 0;
}

export function registerSync(program: Command): void {
  addClientOptions(
    program
      .command('sync')
      .description('push intended config to devices (syncto); only unsynchronized MANAGED devices unless --resync')
      .option('--all', 'every unsynchronized MANAGED device (with --resync every MANAGED device)')
      .option('--group <group>', 'devices in a group')
      .option('--type <type>', 'devices of a type (ACCESS, DIST, CORE, ...)')
      .option('--hostname <hostname>', 'one device (always contacted)')
      .option('--dry-run', 'render and diff only; commit nothing')
      .option('--resync', 'include devices that are already synchronized')
      .option('--force', 'push even over a configuration changed outside netsync (skips the drift check)')
      .option('--comment <text>', 'comment stored with the job')
      .option('--ticket-ref <ref>', 'change ticket stored with the job')
      .option('--no-validate', 'skip validate on devices that support it')
      .option('--no-confirmed-commit', 'commit directly instead of confirmed commit + confirm')
      .option('--confirm-timeout <seconds>', 'confirmed-commit timeout', positiveSeconds)
      .option('--no-rollback', 'on failure roll back only the failed devices')
      .option('--skip-unreachable', 'leave unreachable devices out instead of failing')
      .option('--wait', 'wait for the job, show progress and a per-device summary')
      .option('--json', 'machine-readable output'),
  ).action(async (flags: SyncFlags) => {
    const body = synctoBody(flags);
    const client = await ApiClient.create(flags);
    if (flags.all && !flags.resync && (await nothingToSync(client))) {
      if (flags.json) printJson({ job_id: null, nothing_to_sync: true });
      else process.stdout.write('nothing to sync: every MANAGED device is synchronized (--resync pushes them anyway); no job started\n');
      return;
    }
    const { job } = await client.post<{ job: Job }>('/api/v1/syncto', body);
    if (!flags.wait) {
      if (flags.json) printJson({ job_id: job.id, job });
      // Not "run it again with --wait": that would start a second job.
      else
        process.stdout.write(
          `started job ${job.id} for ${(job.args.devices as string[]).length} devices; GET /api/v1/jobs/${job.id} shows its progress and results (next time, --wait waits for them)\n`,
        );
      return;
    }
    const finished = await waitForJob(client, job.id, !flags.json && Boolean(process.stderr.isTTY));
    if (flags.json) printJson({ job: finished });
    else process.stdout.write(renderJobSummary(finished));
    if (finished.status !== 'FINISHED') process.exitCode = 1;
  });
}
