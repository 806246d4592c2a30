/**
 * Unsynced-age evaluation (docs/design/architecture.md §8). Pure: devices and "now" come in, a
 * report goes out. The age is measured from the persisted `unsyncedSince`,
 * so a daemon restart does not reset anyone's clock. UNMANAGED (and not yet
 * managed) devices never alarm.
 */
import type { Device } from '../model/device.ts';
import { NetsyncError } from '../model/errors.ts';
import { naturalCompare } from '../model/naturalCompare.ts';

export type AlarmLevel = 'ok' | 'warning' | 'critical';
/** Monitoring Plugins states; the numeric value is the plugin exit code. */
export type ServiceState = 'OK' | 'WARNING' | 'CRITICAL' | 'UNKNOWN';
export const STATE_CODE: Record<ServiceState, 0 | 1 | 2 | 3> = { OK: 0, WARNING: 1, CRITICAL: 2, UNKNOWN: 3 };

export interface Thresholds {
  /** Seconds unsynchronized after which a device is WARNING (strictly longer than). */
  warningSeconds: number;
  /** Seconds unsynchronized after which a device is CRITICAL (strictly longer than). */
  criticalSeconds: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { warningSeconds: 30 * 60, criticalSeconds: 60 * 60 };

export interface UnsyncedDevice {
  hostname: string;
  since: string;
  ageSeconds: number;
  level: AlarmLevel;
  cause: string | null;
  by: string | null;
}

/** A repo whose branch head netsync refused: devices keep getting the known-good commit's configuration. */
export interface RejectedHead {
  repo: string;
  head: string;
  knownGood: string | null;
  /** When the current run of rejected pushes began. */
  since: string;
  problems: string[];
}

export interface RejectedRepo extends RejectedHead {
  ageSeconds: number;
  level: AlarmLevel;
}

export interface AlarmReport {
  state: ServiceState;
  checkedAt: string;
  thresholds: Thresholds;
  managed: number;
  unsynchronized: number;
  warning: number;
  critical: number;
  /** Age of the longest-unsynchronized managed device, 0 when all are synchronized. */
  oldestSeconds: number;
  /** Unsynchronized MANAGED devices, oldest first. */
  devices: UnsyncedDevice[];
  /** Repos whose head is rejected (the same thresholds as devices), oldest first. */
  rejectedRepos: RejectedRepo[];
}

export function checkThresholds(t: Thresholds): Thresholds {
  if (!(t.warningSeconds >= 0 && t.criticalSeconds >= 0 && Number.isFinite(t.warningSeconds) && Number.isFinite(t.criticalSeconds))) {
    throw new NetsyncError('VALIDATION_FAILED', 'alarm thresholds must be non-negative durations', { ...t });
  }
  if (t.warningSeconds > t.criticalSeconds) {
    throw new NetsyncError(
      'VALIDATION_FAILED',
      `the warning threshold (${t.warningSeconds}s) must not be longer than the critical one (${t.criticalSeconds}s)`,
      { ...t },
    );
  }
  return t;
}

export function levelFor(ageMs: number, t: Thresholds): AlarmLevel {
  // "Longer than 1h": exactly at the threshold is still within it (Monitoring Plugins ranges are inclusive).
  if (ageMs > t.criticalSeconds * 1000) return 'critical';
  if (ageMs > t.warningSeconds * 1000) return 'warning';
  return 'ok';
}

export function evaluateUnsynced(devices: readonly Device[], thresholds: Thresholds, now: Date, rejectedHeads: readonly RejectedHead[] = []): AlarmReport {
  checkThresholds(thresholds);
  const managed = devices.filter((d) => d.state === 'MANAGED');
  const nowMs = now.getTime();
  const unsynced: (UnsyncedDevice & { sinceMs: number })[] = [];
  for (const d of managed) {
    if (d.synchronized) continue;
    // A device unsynchronized without a start time (old data) counts from now rather than being missed.
    const since = d.unsyncedSince ?? now.toISOString();
    const sinceMs = Date.parse(since);
    const ageMs = Math.max(0, nowMs - sinceMs);
    unsynced.push({
      sinceMs,
      hostname: d.hostname,
      since,
      ageSeconds: Math.floor(ageMs / 1000),
      level: levelFor(ageMs, thresholds),
      cause: d.lastEvent?.cause ?? null,
      by: d.lastEvent?.by ?? null,
    });
  }
  unsynced.sort((a, b) => a.sinceMs - b.sinceMs || compareHostnames(a.hostname, b.hostname));
  const critical = unsynced.filter((d) => d.level === 'critical').length;
  const warning = unsynced.filter((d) => d.level === 'warning').length;
  const rejectedRepos = rejectedHeads
    .map((r) => {
      const ageMs = Math.max(0, nowMs - Date.parse(r.since));
      return { ...r, ageSeconds: Math.floor(ageMs / 1000), level: levelFor(ageMs, thresholds) };
    })
    .sort((a, b) => b.ageSeconds - a.ageSeconds || a.repo.localeCompare(b.repo));
  const repoLevel = (l: AlarmLevel) => rejectedRepos.some((r) => r.level === l);
  return {
    state: critical > 0 || repoLevel('critical') ? 'CRITICAL' : warning > 0 || repoLevel('warning') ? 'WARNING' : 'OK',
    checkedAt: now.toISOString(),
    thresholds,
    managed: managed.length,
    unsynchronized: unsynced.length,
    warning,
    critical,
    oldestSeconds: unsynced[0]?.ageSeconds ?? 0,
    devices: unsynced.map(({ sinceMs: _s, ...d }) => d),
    rejectedRepos,
  };
}

/** sw-2 before sw-10. */
function compareHostnames(a: string, b: string): number {
  return naturalCompare(a, b);
}
