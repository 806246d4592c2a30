/** `netsync lab`: run simulated devices (src/lab) until Ctrl-C, and write an inventory file for `netsync devices import`. */
import { readFile, writeFile } from 'node:fs/promises';
import Table from 'cli-table3';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { parse as parseYaml, stringify } from 'yaml';
import { z } from 'zod';
import { parseInput } from '../../model/parseInput.ts';
import { faultsSchema } from '../../lab/controlApi.ts';
import { labSpecs, startLab } from '../../lab/index.ts';
import type { Lab, LabDeviceSpec } from '../../lab/types.ts';
import { NetsyncError } from '../../model/errors.ts';

interface LabFlags {
  devices: number;
  basePort?: number;
  platform: 'netconf' | 'eos' | 'mixed';
  stateDir: string;
  inventoryOut?: string;
  controlPort?: number;
  hostnamePrefix: string;
  type: string;
  faults?: string;
}

/** `--faults FILE`: YAML or JSON `{<hostname>: {<fault>: value}}`, applied before the devices start listening. */
async function applyFaultsFile(file: string, specs: LabDeviceSpec[]): Promise<void> {
  let doc: unknown;
  try {
    doc = parseYaml(await readFile(file, 'utf8'));
  } catch (err) {
    throw new NetsyncError('BAD_REQUEST', `cannot read faults file ${file}: ${(err as Error).message}`, { file });
  }
  const byHost = parseInput(z.record(z.string(), faultsSchema), doc);
  for (const [hostname, faults] of Object.entries(byHost)) {
    const spec = specs.find((s) => s.hostname.toLowerCase() === hostname.toLowerCase());
    if (!spec) throw new NetsyncError('NOT_FOUND', `${file}: no lab device '${hostname}' (names are ${specs[0]?.hostname} ...)`, { file, hostname });
    spec.faults = faults;
  }
}

function int(name: string, min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer ${min}-${max}`);
    return n;
  };
}

function printTable(lab: Lab, limit: number): void {
  const table = new Table({ head: ['hostname', 'platform', 'address', 'host key'], style: { head: [], border: [] } });
  for (const d of lab.devices.slice(0, limit)) table.push([d.hostname, d.platform, `127.0.0.1:${d.port}`, d.hostKeyFingerprint]);
  process.stdout.write(`${table.toString()}\n`);
  if (lab.devices.length > limit) process.stdout.write(`... and ${lab.devices.length - limit} more (see the inventory file or GET /devices)\n`);
}

export function registerLab(program: Command): void {
  program
    .command('lab')
    // Usage errors reach main() as CommanderError (exit 2) instead of exiting here.
    .exitOverride()
    .description('run simulated NETCONF and EOS-CLI devices over real SSH on 127.0.0.1 (Ctrl-C stops them)')
    .option('-n, --devices <n>', 'number of devices', int('--devices', 1, 10000), 4)
    .option('--base-port <port>', 'device i listens on base-port + i (default: free ephemeral ports)', int('--base-port', 1, 65535))
    .addOption(new Option('--platform <platform>', 'device personality (mixed alternates)').choices(['netconf', 'eos', 'mixed']).default('mixed'))
    .option('--state-dir <dir>', 'host keys, client key and running configs persist here', '.netsync/lab')
    .option('--inventory-out <file>', 'write a YAML inventory that `netsync devices import` reads')
    .option('--control-port <port>', 'HTTP control API on 127.0.0.1 (0 = any free port)', int('--control-port', 0, 65535))
    .option('--hostname-prefix <prefix>', 'device names are <prefix>-001, <prefix>-002, ...', 'lab')
    .option('--type <type>', 'device type written to the inventory', 'ACCESS')
    .option('--faults <file>', 'faults to start with: YAML/JSON {<hostname>: {lockHeld: true, latencyMs: 200, ...}}')
    .action(async (flags: LabFlags) => {
      // Listen for Ctrl-C from the start, so one that arrives while devices start still stops them cleanly.
      const stop = stopSignal();
      try {
        const started = Date.now();
        const specs = labSpecs(flags.devices, flags.platform, flags.hostnamePrefix, flags.basePort);
        if (flags.faults) await applyFaultsFile(flags.faults, specs);
        const lab = await startLab({
          devices: specs,
          stateDir: flags.stateDir,
          deviceType: flags.type,
          ...(flags.controlPort !== undefined ? { controlPort: flags.controlPort } : {}),
        });
        // Whatever goes wrong from here on (e.g. the inventory file cannot be written), the devices are closed.
        try {
          printTable(lab, 50);
          process.stdout.write(
            `${lab.devices.length} devices up in ${Date.now() - started} ms; login ${lab.username}/${lab.password} or key ${flags.stateDir}/client_ed25519\n`,
          );
          if (lab.controlUrl) process.stdout.write(`control API: ${lab.controlUrl}\n`);
          if (flags.inventoryOut) {
            await writeInventory(flags.inventoryOut, lab);
            process.stdout.write(`inventory: ${flags.inventoryOut}\n`);
          }
          await stop.requested;
          process.stdout.write('stopping the lab...\n');
        } finally {
          await lab.stop();
        }
      } finally {
        // A failed start must not leave SIGINT/SIGTERM swallowed by a handler nobody waits on.
        stop.dispose();
      }
    });
}

/** Resolves on the first SIGINT or SIGTERM; dispose() removes the handlers. */
function stopSignal(): { requested: Promise<void>; dispose(): void } {
  let onSignal = () => {};
  const requested = new Promise<void>((resolve) => {
    onSignal = () => resolve();
  });
  const dispose = () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return { requested, dispose };
}

async function writeInventory(file: string, lab: Lab): Promise<void> {
  try {
    await writeFile(file, stringify({ devices: lab.inventory() }));
  } catch (err) {
    throw new NetsyncError('BAD_REQUEST', `cannot write the inventory file ${file}: ${(err as Error).message}`, { file });
  }
}
