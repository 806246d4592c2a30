/**
 * What only the leader does (DESIGN §10): periodic work (the scheduler: polling, alarm sweep, inventory sync,
 * auto-sync, drift check), crash recovery of the runs, jobs and transactions of replicas that are gone, and
 * housekeeping. Started when this replica becomes leader and is serving, stopped when it stops being either.
 * While leading it watches the set of live replicas: one that disappears is recovered at once, and a full
 * look runs every `sweepMs` in case a replica came and went between two looks.
 */
import type { Leadership, ReplicaRegistry } from '../model/cluster.ts';
import type { Logger } from '../model/ports.ts';

export interface LeaderDutiesDeps {
  leadership: Leadership;
  registry: ReplicaRegistry;
  /** The periodic work. */
  scheduler: { start(): void; stop(): Promise<void> };
  /** Recovers whatever the replicas for which `gone` is true left running. */
  recover: (gone: (replica: string | undefined) => boolean) => Promise<void>;
  /** Housekeeping run with each full look (e.g. old webhook deliveries). */
  housekeeping?: () => Promise<void>;
  logger: Logger;
  /** How often the live replicas are compared (default 2 s). */
  watchMs?: number;
  /** How often everything is looked at regardless (default 60 s). */
  sweepMs?: number;
}

export class LeaderDuties {
  private serving = false;
  private active = false;
  private live = new Set<string>();
  private lastSweep = 0;
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly deps: LeaderDutiesDeps) {
    deps.leadership.onChange(() => this.update());
  }

  /** Recovery already runs when leading; periodic work also needs the daemon to be serving (listen). */
  setServing(serving: boolean): void {
    this.serving = serving;
    this.update();
  }

  /** Resolves when the recovery and housekeeping started so far have ended (tests, shutdown). */
  idle(): Promise<void> {
    return this.chain;
  }

  async stop(): Promise<void> {
    this.serving = false;
    this.stopWatching();
    await this.deps.scheduler.stop();
    await this.chain;
  }

  private update(): void {
    const leader = this.deps.leadership.isLeader();
    if (leader && !this.timer) this.startWatching();
    if (!leader) this.stopWatching();
    const shouldRun = leader && this.serving;
    if (shouldRun === this.active) return;
    this.active = shouldRun;
    if (shouldRun) this.deps.scheduler.start();
    else void this.deps.scheduler.stop();
  }

  private startWatching(): void {
    this.live = new Set();
    this.lastSweep = 0;
    this.enqueue(() => this.look());
    this.timer = setInterval(() => this.enqueue(() => this.look()), this.deps.watchMs ?? 2000);
    this.timer.unref();
  }

  private stopWatching(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private enqueue(step: () => Promise<void>): void {
    this.chain = this.chain.then(step).catch((err: unknown) => this.deps.logger.error({ err }, 'leader duty failed; retried on the next look'));
  }

  /** Compares the live replicas with the last look; recovers for every replica that is gone. */
  private async look(): Promise<void> {
    if (!this.deps.leadership.isLeader()) return;
    const live = await this.deps.registry.liveReplicas();
    const lost = [...this.live].filter((r) => !live.has(r));
    const now = Date.now();
    const sweep = now - this.lastSweep >= (this.deps.sweepMs ?? 60_000);
    this.live = live;
    if (!sweep && lost.length === 0) return;
    if (lost.length) this.deps.logger.warn({ replicas: lost }, 'replicas are gone: recovering their work');
    this.lastSweep = now;
    await this.deps.recover((replica) => replica === undefined || !live.has(replica));
    if (sweep) await this.deps.housekeeping?.();
  }
}
