/** `netsync status`: which devices are synchronized, and why the others are not. */
import Table from 'cli-table3';
import type { Command } from 'commander';
import type { Device } from '../../model/device.ts';
import { ApiClient } from '../apiClient.ts';
import { formatDuration, printJson } from '../format.ts';
import { addClientOptions, type ClientFlags } from '../options.ts';

interface StatusFlags extends ClientFlags {
  unsynced?: boolean;
  json?: boolean;
}

export function renderStatusTable(devices: Device[], now: Date): string {
  const sorted = [...devices].sort(
    (a, b) => Number(a.synchronized) - Number(b.synchronized) || a.hostname.localeCompare(b.hostname, 'en', { numeric: true }),
  );
  const table = new Table({
    head: ['HOSTNAME', 'TYPE', 'STATE', 'SYNCED', 'UNSYNCED FOR', 'LAST CAUSE'],
    style: { head: [], border: [], compact: true },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const d of sorted) {
    const since = d.unsyncedSince ? formatDuration(now.getTime() - Date.parse(d.unsyncedSince)) : '-';
    const cause = d.lastEvent ? `${d.lastEvent.cause} (${d.lastEvent.by})` : '-';
    table.push([d.hostname, d.type, d.state, d.synchronized ? 'yes' : 'NO', d.synchronized ? '-' : since, cause]);
  }
  const unsynced = devices.filter((d) => !d.synchronized).length;
  const summary = `${devices.length} devices: ${devices.length - unsynced} synchronized, ${unsynced} unsynchronized`;
  return `${table.toString()}\n${summary}\n`;
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
    const { devices } = await client.get<{ devices: Device[] }>(`/api/v1/devices${query}`);
    if (flags.json) printJson({ devices });
    else process.stdout.write(renderStatusTable(devices, new Date()));
  });
}
