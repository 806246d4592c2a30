/**
 * The embedded (lowdb) store's cluster of one: the single process is always the leader, the only live replica,
 * dedupes deliveries in memory and runs shared work directly (the per-repo refresh queue already serializes it).
 */
import type { BackendHealth, DeliveryLog, ExclusiveWork, Leadership, LeaderStatus, ReplicaRegistry } from '../model/cluster.ts';

export class LocalLeadership implements Leadership, ReplicaRegistry {
  private readonly since: string;
  private readonly listeners: ((leader: boolean) => void)[] = [];
  private started = false;

  constructor(
    readonly replica: string,
    now: Date,
  ) {
    this.since = now.toISOString();
  }

  isLeader(): boolean {
    return true;
  }

  status(): LeaderStatus {
    return { replica: this.replica, leader: true, leaderSince: this.since };
  }

  onChange(listener: (leader: boolean) => void): void {
    this.listeners.push(listener);
    if (this.started) listener(true);
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    for (const l of this.listeners) l(true);
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    for (const l of this.listeners) l(false);
  }

  async liveReplicas(): Promise<Set<string>> {
    return new Set([this.replica]);
  }
}

/**
 * Remembers recent webhook delivery ids in memory, on purpose: a redelivery after a restart is processed
 * again, which is harmless (a push whose head was processed is `up_to_date` without a write; a PR check
 * re-runs and edits the same status and comment), while persisting would add a rewrite of the lowdb file to
 * every webhook.
 */
export class MemoryDeliveryLog implements DeliveryLog {
  private readonly seen = new Set<string>();

  constructor(private readonly size = 10_000) {}

  async claim(provider: string, id: string): Promise<boolean> {
    const key = `${provider}:${id}`;
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    if (this.seen.size > this.size) this.seen.delete(this.seen.values().next().value!);
    return true;
  }

  async release(provider: string, id: string): Promise<void> {
    this.seen.delete(`${provider}:${id}`);
  }
}

export const directWork: ExclusiveWork = { run: (_key, work) => work() };

export const embeddedHealth = async (): Promise<BackendHealth> => ({ backend: 'lowdb', ok: true });
