/**
 * The device lab (docs/design/architecture.md §7), like NSO's netsim: simulated NETCONF and EOS-CLI
 * devices, each a real SSH server on 127.0.0.1, with faults on demand.
 *
 *   const lab = await startLab({ devices: 4, stateDir });
 *   lab.device('lab-001').setFaults({ lockHeld: true });
 *   await lab.stop();
 */
import { NetsyncError } from '../model/errors.ts';
import { parseConfig } from '../deviceconfig/canonicalConfig.ts';
import { startControlApi } from './controlApi.ts';
import { LabDeviceImpl } from './labDevice.ts';
import { loadClientKey, loadDeviceState, writeKnownHosts } from './stateDir.ts';
import type { Lab, LabDeviceSpec, LabInventoryEntry, LabPlatform, StartLabOptions } from './types.ts';

export { canonicalConfig } from '../deviceconfig/canonicalConfig.ts';
export { NO_FAULTS } from './types.ts';
export type { Lab, LabCounters, LabDevice, LabDeviceSpec, LabFaults, LabInventoryEntry, LabPlatform, StartLabOptions } from './types.ts';

/** Device specs for `devices: N`: lab-001, lab-002, ... alternating netconf/eos when mixed. */
export function labSpecs(count: number, platform: LabPlatform | 'mixed' = 'mixed', prefix = 'lab', basePort = 0): LabDeviceSpec[] {
  if (!Number.isInteger(count) || count < 1 || count > 10000) throw new NetsyncError('BAD_REQUEST', `device count must be 1-10000 (got ${count})`);
  const width = Math.max(3, String(count).length);
  return Array.from({ length: count }, (_, i) => {
    const spec: LabDeviceSpec = {
      hostname: `${prefix}-${String(i + 1).padStart(width, '0')}`,
      platform: platform === 'mixed' ? (i % 2 === 0 ? 'netconf' : 'eos') : platform,
    };
    if (basePort) spec.port = basePort + i;
    return spec;
  });
}

function initialConfig(spec: LabDeviceSpec, persisted: string | null) {
  if (persisted !== null) {
    try {
      return parseConfig(spec.platform, persisted);
    } catch (err) {
      throw new NetsyncError('LAB_STATE_INVALID', `${spec.hostname}: the saved running config is invalid (${(err as Error).message}); fix or delete it`, {
        hostname: spec.hostname,
      });
    }
  }
  if (spec.initialConfig !== undefined) return parseConfig(spec.platform, spec.initialConfig);
  return { hostname: spec.hostname, interfaces: new Map(), vlans: new Map() };
}

/** A hostname is also a directory name under the state dir and the CLI prompt: letters, digits, `.`, `_`, `-`. */
const HOSTNAME = /^[A-Za-z0-9][\w.-]{0,62}$/;

/** Refuses specs that cannot run, before any file is written or port opened. */
function checkSpecs(specs: LabDeviceSpec[], basePort: number | undefined): void {
  const seen = new Set<string>();
  for (const [i, s] of specs.entries()) {
    if (!HOSTNAME.test(s.hostname)) {
      throw new NetsyncError(
        'BAD_REQUEST',
        `lab hostname '${s.hostname}' is not usable: 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit`,
        { hostname: s.hostname },
      );
    }
    const key = s.hostname.toLowerCase();
    if (seen.has(key)) throw new NetsyncError('CONFLICT', `hostname '${s.hostname}' is given twice`, { hostname: s.hostname });
    seen.add(key);
    const port = s.port ?? (basePort ? basePort + i : 0);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new NetsyncError('BAD_REQUEST', `${s.hostname}: port ${port} is outside 0-65535; use a lower base port or fewer devices`, {
        hostname: s.hostname,
        port,
      });
    }
  }
}

export async function startLab(opts: StartLabOptions): Promise<Lab> {
  const specs = typeof opts.devices === 'number' ? labSpecs(opts.devices, opts.platform, opts.hostnamePrefix, opts.basePort) : opts.devices;
  checkSpecs(specs, opts.basePort);
  const username = opts.username ?? 'netsync';
  const password = opts.password ?? 'netsync';
  const clientKey = await loadClientKey(opts.stateDir);
  const devices: LabDeviceImpl[] = [];
  const byName = new Map<string, LabDeviceImpl>();
  let control: { url: string; close(): Promise<void> } | undefined;

  const stop = async () => {
    await control?.close();
    await Promise.all(devices.map((d) => d.stop()));
  };
  try {
    const states = await Promise.all(specs.map((s) => loadDeviceState(opts.stateDir, s.hostname, s.platform)));
    for (const [i, spec] of specs.entries()) {
      const state = states[i]!;
      const device = new LabDeviceImpl({
        hostname: spec.hostname,
        platform: spec.platform,
        state,
        initial: initialConfig(spec, state.running),
        clientKey,
        username,
        password,
      });
      if (state.running === null) state.save(device.runningConfig());
      if (spec.faults) device.setFaults(spec.faults);
      devices.push(device);
      byName.set(spec.hostname.toLowerCase(), device);
    }
    // Wait for every listen to settle before cleaning up, or a device still binding would stay open after stop().
    const listened = await Promise.allSettled(devices.map((d, i) => d.listen(specs[i]!.port ?? (opts.basePort ? opts.basePort + i : 0))));
    const failed = listened.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    await writeKnownHosts(opts.stateDir, devices);
  } catch (err) {
    await stop();
    throw err;
  }

  const lab: Lab = {
    devices,
    device(hostname) {
      const d = byName.get(hostname.toLowerCase());
      if (!d) throw new NetsyncError('NOT_FOUND', `lab device '${hostname}' does not exist`, { hostname });
      return d;
    },
    inventory(): LabInventoryEntry[] {
      return devices.map((d) => ({
        hostname: d.hostname,
        managementIp: '127.0.0.1',
        port: d.port,
        platform: d.platform,
        transport: d.platform === 'netconf' ? 'netconf' : 'eos-cli',
        type: opts.deviceType ?? 'ACCESS',
        groups: ['lab'],
      }));
    },
    clientPrivateKey: clientKey.privateKey,
    clientPublicKey: clientKey.publicKey,
    username,
    password,
    stop,
  };
  if (opts.controlPort !== undefined) {
    try {
      control = await startControlApi(lab, opts.controlPort);
    } catch (err) {
      await stop();
      throw new NetsyncError('UNAVAILABLE', `cannot start the lab control API on 127.0.0.1:${opts.controlPort}: ${(err as Error).message}`);
    }
    lab.controlUrl = control.url;
  }
  return lab;
}
