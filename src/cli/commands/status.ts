/** `netsync status`: which devices are synchronized, and why the others are not. */
import type { Command } from 'commander';
import type { Device, LastEventSummary } from '../../model/device.ts';
import { ApiClient } from '../apiClient.ts';
import { formatDuration, printJson, shortActor, shortId } from '../format.ts';
import { formatTable } from '../table.ts';
import { fetchRepositories, rejectedBanner } from './repos.ts';

import { addClientOptions, type ClientFlags } from '../options.ts';
import { naturalCompare } from '../../model/naturalCompare.ts';

interface StatusFlags extends ClientFlags {
  unsynced?: boolean;
  json?: boolean;
}

export function renderStatusTable(devices: Device[], now: Date): string {
  const sorted = [...devices].sort((a, b) => Number(a.synchronized) - Number(b.synchronized) || naturalCompare(a.hostname, b.hostname));
  const rows = sorted.map((d) => {
    const since = d.unsyncedSince ? formatDuration(now.getTime() - Date.parse(d.unsyncedSince)) : '-';
    return [d.hostname, d.type, d.state, d.synchronized ? 'yes' : 'NO', d.synchronized ? '-' : since, d.lastEvent ? lastCause(d.lastEvent) : '-'];
  });
  const table = formatTable(['HOSTNAME', 'TYPE', 'STATE', 'SYNCED', 'UNSYNCED FOR', 'LAST CAUSE'], rows, { cut: [5] });
  const unsynced = devices.filter((d) => !d.synchronized).length;
  const summary = `${devices.length} devices: ${devices.length - unsynced} synchronized, ${unsynced} unsynchronized`;
  return `${table}\n${summary}\n`;
}

/** "settings_changed (Jane Doe, 1a2b3c4d)": the author's name without the address, a commit's short id. */
export function lastCause(e: LastEventSummary): string {
  const by = shortActor(e.by);
  return `${e.cause} (${e.commit ? `${by}, ${shortId(e.commit)}` : by})`;
}

export function registerStatus(program: Command): void {
  addClientOptions(
    program
      .command('status')
      .description('show the sync status of every device (unsynchronized first)')
      .option('--unsynced', 'only unsynchronized devices')
      .option('--json', 'machine-readable output'),
  ).action(async (flags: StatusFlags) => {
    const client = await ApiClient.create(flags);
    const query = flags.unsynced ? '?synchronized=false' : '';
    const [{ devices }, { repositories }] = await Promise.all([client.get<{ devices: Device[] }>(`/api/v1/devices${query}`), fetchRepositories(client)]);
    const rejected = repositories.filter((r) => r.rejected);
    if (flags.json) printJson({ devices, rejectedRepos: rejected });
    // The banner first: while a head is rejected every device shows "synchronized" with an old commit.
    else process.stdout.write(`${rejectedBanner(rejected, new Date())}${renderStatusTable(devices, new Date())}`);
  });
}
