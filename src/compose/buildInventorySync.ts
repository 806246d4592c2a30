/** Builds the inventory sync from the `sources` config: one adapter per configured system, plus netsync itself. */
import { readFile } from 'node:fs/promises';
import type { SessionFactory } from '../commit/session.ts';
import type { HostKeyRecorder } from '../drivers/hostKeys.ts';
import { lazySessionFactory } from '../drivers/lazySessionFactory.ts';
import { hostnameKey } from '../model/device.ts';
import type { Clock, Logger } from '../model/ports.ts';
import type { Store } from '../model/store.ts';
import { BssSource } from '../sources/bssSource.ts';
import type { SourcesConfig } from '../sources/configSchema.ts';
import { InventorySync } from '../sources/inventorySync.ts';
import { NetboxSource } from '../sources/netboxSource.ts';
import { NsoSource } from '../sources/nsoSource.ts';
import type { IdentityProbe } from '../sources/reconcile/identityProbe.ts';
import { sshIdentityProbe } from '../sources/sshProbe.ts';
import { StoreSource } from '../sources/storeSource.ts';
import type { InventorySource } from '../sources/types.ts';

export interface BuildParts {
  store: Store;
  clock: Clock;
  logger: Logger;
  resolvePath: (p: string) => string;
  /** A ready session factory (e.g. the daemon's); otherwise one is built from `sources.ssh`. */
  sessions?: SessionFactory;
  /** Replaces the SSH probe altogether (tests of the wiring). */
  probe?: IdentityProbe;
}

export function buildSources(config: SourcesConfig, store: Store, clock: Clock, verifiedHostKey?: (hostname: string) => string | undefined): InventorySource[] {
  const timeoutMs = config.timeoutMs;
  const sources: InventorySource[] = [new StoreSource(store, clock, verifiedHostKey)];
  if (config.nso) sources.push(new NsoSource({ ...config.nso, timeoutMs }));
  if (config.netbox) sources.push(new NetboxSource({ ...config.netbox, timeoutMs }));
  if (config.bss) sources.push(new BssSource({ ...config.bss, timeoutMs }));
  return sources;
}

export async function buildInventorySync(config: SourcesConfig, parts: BuildParts): Promise<InventorySync> {
  // Host keys first seen while verifying a device; a device the sync adds to netsync is pinned to it.
  const seenKeys = new Map<string, string>();
  const hostKeys: HostKeyRecorder = { record: async (hostname, fingerprint) => void seenKeys.set(hostnameKey(hostname), fingerprint) };
  const sessions = parts.sessions ?? (await sessionsFromConfig(config, parts, hostKeys));
  const probe = parts.probe ?? sshIdentityProbe(sessions, async (hostname) => (await parts.store.getDevice(hostname))?.hostKeyFingerprint ?? null);
  return new InventorySync({
    store: parts.store,
    sources: buildSources(config, parts.store, parts.clock, (hostname) => seenKeys.get(hostnameKey(hostname))),
    probe,
    defaults: config.defaults,
    probeConcurrency: config.probeConcurrency,
    clock: parts.clock,
    logger: parts.logger,
  });
}

async function sessionsFromConfig(config: SourcesConfig, parts: BuildParts, hostKeys: HostKeyRecorder): Promise<SessionFactory> {
  const ssh = config.ssh ?? { username: 'netsync', connectTimeoutMs: 10_000 };
  const privateKey = ssh.privateKeyFile ? await readFile(parts.resolvePath(ssh.privateKeyFile)) : undefined;
  return lazySessionFactory({
    credentials: {
      username: ssh.username,
      ...(ssh.password !== undefined ? { password: ssh.password } : {}),
      ...(privateKey ? { privateKey } : {}),
      ...(ssh.passphrase !== undefined ? { passphrase: ssh.passphrase } : {}),
    },
    // Reading the hostname is one short command: a device slower than the connect timeout counts as unreachable.
    timeouts: { connectMs: ssh.connectTimeoutMs, helloMs: ssh.connectTimeoutMs, rpcMs: ssh.connectTimeoutMs },
    hostKeys,
    logger: parts.logger,
  });
}
