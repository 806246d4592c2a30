/** `netsync history HOST`: a device's sync events (why it became unsynchronized, and when it was synced). */
import type { Command } from 'commander';
import type { SyncEvent } from '../../model/events.ts';
import { ApiClient } from '../apiClient.ts';
import { printJson, shortActor, shortId } from '../format.ts';
import { addClientOptions, type ClientFlags } from '../options.ts';
import { formatTable } from '../table.ts';

export function renderHistory(hostname: string, events: SyncEvent[]): string {
  if (events.length === 0) return `${hostname}: no events\n`;
  const rows = [...events]
    .sort((a, b) => b.at.localeCompare(a.at) || b.id - a.id)
    .map((e) => [
      e.at.replace('T', ' ').slice(0, 19),
      e.cause,
      shortActor(e.by),
      e.commit ? shortId(e.commit) : e.jobId ? `job ${shortId(e.jobId)}` : '-',
      e.clearedAt ? 'cleared' : e.cause === 'synchronized' || e.cause === 'interface_bounced' ? '-' : 'OPEN',
      e.detail,
    ]);
  return `${formatTable(['AT', 'CAUSE', 'BY', 'COMMIT/JOB', 'OPEN', 'DETAIL'], rows, { cut: [2, 5] })}\n${hostname}: ${events.length} events, newest first\n`;
}

export function registerHistory(program: Command): void {
  addClientOptions(
    program
      .command('history <hostname>')
      .description("a device's sync events, newest first: causes, authors, commits, jobs")
      .option('--open', 'only the events that keep it unsynchronized')
      .option('--json', 'machine-readable output'),
  ).action(async (hostname: string, flags: ClientFlags & { open?: boolean; json?: boolean }) => {
    const client = await ApiClient.create(flags);
    const { events } = await client.get<{ events: SyncEvent[] }>(`/api/v1/devices/${encodeURIComponent(hostname)}/events${flags.open ? '?open=true' : ''}`);
    if (flags.json) printJson({ events });
    else process.stdout.write(renderHistory(hostname, events));
  });
}
