/** `netsync devices ...`: inventory maintenance. */
import type { Command } from 'commander';
import { readInventoryFile } from '../../inventory/inventoryFile.ts';
import type { ImportResult } from '../../inventory/inventoryService.ts';
import type { SyncEvent } from '../../model/events.ts';
import { ApiClient } from '../apiClient.ts';
import { printJson } from '../format.ts';
import { addClientOptions, type ClientFlags } from '../options.ts';

export function registerDevices(program: Command): void {
  const devices = program.command('devices').description('manage the device inventory');
  addClientOptions(
    devices
      .command('import')
      .description('add the devices of a YAML or CSV inventory file (existing hostnames are skipped)')
      .argument('<file>', 'inventory file: YAML (a list of devices, or {devices: [...]}), or CSV with a header row')
      .option('--json', 'machine-readable output'),
  ).action(async (file: string, flags: ClientFlags & { json?: boolean }) => {
    const entries = await readInventoryFile(file);
    const client = await ApiClient.create(flags);
    const result = await client.post<ImportResult>('/api/v1/devices/import', { devices: entries });
    if (flags.json) return printJson(result);
    process.stdout.write(`imported ${result.created.length} of ${entries.length} devices\n`);
    for (const s of result.skipped) process.stdout.write(`  skipped ${s.hostname}: ${s.reason}\n`);
  });
  addClientOptions(
    devices
      .command('bounce')
      .description("shut an interface on the device and bring it back (sync status unchanged; recorded in the device's history)")
      .argument('<hostname>', 'device in the inventory (MANAGED)')
      .argument('<interface>', "interface in the device's inventory, e.g. Ethernet1")
      .option('--json', 'machine-readable output'),
  ).action(async (hostname: string, name: string, flags: ClientFlags & { json?: boolean }) => {
    const client = await ApiClient.create(flags);
    const { event } = await client.post<{ event: SyncEvent }>(
      `/api/v1/devices/${encodeURIComponent(hostname)}/interfaces/${encodeURIComponent(name)}/bounce`,
      {},
    );
    if (flags.json) return printJson(event);
    process.stdout.write(`${event.hostname}: ${event.detail}\n`);
  });
}
