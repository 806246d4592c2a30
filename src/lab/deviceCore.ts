/**
 * What the personalities share about one device: its running config, faults,
 * counters and SSH connections. The NETCONF and EOS session code talk to this,
 * never to the SSH server directly.
 */
import { cloneConfig, type LabConfig } from '../deviceconfig/configModel.ts';
import { NO_FAULTS, type LabCounters, type LabFaults, type LabPlatform } from './types.ts';

export interface ConnectionHandle {
  id: number;
  username: string;
  /** Drops the SSH connection (the fault "connection dropped"). */
  drop(): void;
  /** The SSH connection has ended (a request held meanwhile is never processed, as on NETCONF). */
  closed: boolean;
}

export class DeviceCore {
  faults: LabFaults = { ...NO_FAULTS };
  counters: LabCounters = { sessions: 0, rpcs: 0, commits: 0, activeSessions: 0, heldRequests: 0, lastConfirmTimeoutSeconds: 0 };
  private nextId = 1;
  private listeners = new Set<(f: LabFaults) => void>();
  /** Per interface: admin down-then-up cycles of running config (what EOS calls link status changes). */
  private readonly flaps = new Map<string, number>();
  /** Replies waiting for holdReplies to be cleared, oldest first. */
  private held: Array<() => void> = [];

  constructor(
    readonly hostname: string,
    readonly platform: LabPlatform,
    private running: LabConfig,
    private readonly persist: (cfg: LabConfig) => void,
  ) {}

  /** Session ids and connection ids come from one counter per device (NETCONF session-id, EOS terminal). */
  allocateId(): number {
    return this.nextId++;
  }

  getRunning(): LabConfig {
    return this.running;
  }

  setRunning(cfg: LabConfig): void {
    this.countFlaps(this.running, cfg);
    this.running = cfg;
    this.persist(cfg);
  }

  /** An interface that was shut down and now is up has flapped once (a bounce, or any shut/no shut pair). */
  private countFlaps(before: LabConfig, after: LabConfig): void {
    for (const [name, intf] of after.interfaces) {
      if (before.interfaces.get(name)?.enabled === false && intf.enabled !== false) this.flaps.set(name, this.linkStatusChanges(name) + 1);
    }
  }

  linkStatusChanges(name: string): number {
    return this.flaps.get(name) ?? 0;
  }

  /** The running config as the device shows it over the wire (wrong-hostname fault applied). */
  shownRunning(): LabConfig {
    if (this.faults.reportedHostname === null) return this.running;
    const c = cloneConfig(this.running);
    c.hostname = this.faults.reportedHostname;
    return c;
  }

  shownHostname(): string {
    return this.faults.reportedHostname ?? this.running.hostname ?? 'localhost';
  }

  /**
   * Resolves after the configured latency, then once the request (named `request`, see holdRequests) is no
   * longer held (immediately when neither applies).
   */
  async delay(request = ''): Promise<void> {
    const ms = this.faults.latencyMs;
    if (ms > 0) await new Promise((r) => setTimeout(r, ms));
    while (this.faults.holdReplies || heldByName(this.faults.holdRequests, request)) {
      this.counters.heldRequests++;
      await new Promise<void>((r) => this.held.push(r));
      this.counters.heldRequests--;
    }
  }

  onFaults(fn: (f: LabFaults) => void): void {
    this.listeners.add(fn);
  }

  setFaults(f: Partial<LabFaults>): void {
    this.faults = { ...this.faults, ...f };
    // Every held request looks again at the faults now in force (and waits again if it is still held).
    for (const release of this.held.splice(0)) release();
    for (const fn of this.listeners) fn(this.faults);
  }
}

/** A pattern matches the whole name, or its first words (`commit` matches `commit confirmed`); `*` is any text. */
export function heldByName(patterns: readonly string[], request: string): boolean {
  if (!request) return false;
  return patterns.some((p) => new RegExp(`^${p.split('*').map(escapeRegExp).join('.*')}(\\s.*)?$`, 's').test(request));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
