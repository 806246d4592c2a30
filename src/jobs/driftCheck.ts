/**
 * The scheduled drift check: finds devices changed outside netsync without waiting for a sync to contact
 * them. Each MANAGED, synchronized device's running config is read and its hash compared with the one
 * recorded at its last sync; only devices that differ are marked `drift_detected`, with the diff (running
 * -> intended, masked) in their history. It reads, never writes: no device is configured, and each device
 * is locked only while it is read, so a sync that holds it is never blocked (the device is skipped).
 */
import pLimit from 'p-limit';
import type { SessionFactory } from '../commit/session.ts';
import { deviceTarget } from '../commit/target.ts';
import type { SyncStatusService } from '../inventory/syncStatus.ts';
import type { Device } from '../model/device.ts';
import type { Clock, Logger } from '../model/ports.ts';
import type { Store } from '../model/store.ts';

export interface DriftCheckPorts {
  store: Store;
  syncStatus: SyncStatusService;
  sessions: SessionFactory;
  /** The same hash as the `configHash` recorded at a sync. */
  hash(config: string): string;
  /** The masked diff running -> intended, for the history; undefined when there is no intended config to compare with. */
  explain(device: Device, running: string): Promise<string | undefined>;
  logger: Logger;
  clock: Clock;
  /** Devices read at once (default 20). */
  concurrency?: number;
}

export interface DriftCheckReport {
  startedAt: string;
  finishedAt: string;
  checked: number;
  drifted: string[];
  /** Devices a sync or transaction held, or whose status changed while they were read. */
  skipped: { hostname: string; reason: string }[];
  /** Devices that could not be read (unreachable, refused the login, ...). */
  failed: { hostname: string; error: string }[];
}

/** Longest diff kept in a history event; the rest is cut with a note. */
const MAX_DETAIL = 8_000;
const OWNER = 'drift-check';

export class DriftCheck {
  constructor(private readonly ports: DriftCheckPorts) {}

  async run(): Promise<DriftCheckReport> {
    const startedAt = this.ports.clock().toISOString();
    const devices = (await this.ports.store.listDevices({ state: 'MANAGED', synchronized: true })).filter((d) => d.configHash);
    const report: DriftCheckReport = { startedAt, finishedAt: startedAt, checked: 0, drifted: [], skipped: [], failed: [] };
    const limit = pLimit(this.ports.concurrency ?? 20);
    await Promise.all(devices.map((d) => limit(() => this.check(d, report))));
    report.finishedAt = this.ports.clock().toISOString();
    report.drifted.sort();
    this.ports.logger.info(
      { checked: report.checked, drifted: report.drifted.length, skipped: report.skipped.length, failed: report.failed.length },
      'drift check done',
    );
    return report;
  }

  private async check(device: Device, report: DriftCheckReport): Promise<void> {
    const { store } = this.ports;
    if (!(await store.tryLockDevice(device.hostname, OWNER))) {
      report.skipped.push({ hostname: device.hostname, reason: `held by ${(await store.lockHolder(device.hostname)) ?? 'another job'}` });
      return;
    }
    try {
      let running: string;
      try {
        running = await this.readRunning(device);
      } catch (err) {
        report.failed.push({ hostname: device.hostname, error: (err as Error).message });
        return;
      }
      report.checked++;
      if (this.ports.hash(running) === device.configHash) return;
      // The store may have moved on while the device was read (a sync cannot: the lock is ours, but an
      // API event can unsynchronize it); mark only what still claims to be in sync with the hash we saw.
      const now = await store.getDevice(device.hostname);
      if (!now?.synchronized || now.configHash !== device.configHash) {
        report.skipped.push({ hostname: device.hostname, reason: 'its sync status changed while it was read' });
        return;
      }
      const diff = await this.ports.explain(device, running).catch(() => undefined);
      await this.ports.syncStatus.markUnsynced([device.hostname], 'drift_detected', { by: OWNER, detail: detailOf(diff) });
      report.drifted.push(device.hostname);
    } finally {
      await store.unlockDevice(device.hostname, OWNER);
    }
  }

  private async readRunning(device: Device): Promise<string> {
    const session = await this.ports.sessions.open(deviceTarget(device));
    try {
      return await session.getRunningConfig();
    } finally {
      await session.close().catch(() => undefined);
    }
  }
}

function detailOf(diff: string | undefined): string {
  const head = 'running config differs from the one netsync last pushed (scheduled drift check)';
  if (!diff) return head;
  const body = diff.length > MAX_DETAIL ? `${diff.slice(0, MAX_DETAIL)}\n… (diff cut at ${MAX_DETAIL} characters)` : diff;
  return `${head}:\n${body}`;
}
