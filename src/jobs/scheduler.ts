/**
 * The scheduler (croner): one schedule per kind of work — auto-sync, repo
 * polling, the alarm sweep, inventory sync. A tick that finds the previous run
 * of the same kind still going is skipped, never queued behind it.
 */
import { Cron } from 'croner';
import { isCron } from '../model/cronSchema.ts';
import { NetsyncError } from '../model/errors.ts';
import type { Clock, Logger } from '../model/ports.ts';
import type { Windows } from './windows.ts';
import { windowsAllow } from './windows.ts';

export type ScheduleKind = 'auto-sync' | 'repo-poll' | 'alarm-sweep' | 'inventory-sync' | (string & {});

export interface ScheduleSpec {
  kind: ScheduleKind;
  cron: string;
  run: () => Promise<void>;
  windows?: Windows;
}

export type TickOutcome = 'ran' | 'failed' | 'skipped-overlap' | 'outside-window';

export class Scheduler {
  private readonly specs = new Map<string, ScheduleSpec>();
  private readonly tasks: Cron[] = [];
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  register(spec: ScheduleSpec): void {
    if (this.specs.has(spec.kind)) throw new NetsyncError('CONFLICT', `a schedule for '${spec.kind}' is already registered`, { kind: spec.kind });
    if (!isCron(spec.cron)) {
      throw new NetsyncError('CONFIG_INVALID', `schedule '${spec.kind}': '${spec.cron}' is not a cron expression`, { kind: spec.kind, cron: spec.cron });
    }
    windowsAllow(this.clock(), spec.windows); // validates the window expressions now, not at 3 a.m.
    this.specs.set(spec.kind, spec);
  }

  kinds(): string[] {
    return [...this.specs.keys()];
  }

  start(): void {
    for (const spec of this.specs.values()) {
      this.tasks.push(new Cron(spec.cron, () => void this.tick(spec.kind)));
    }
  }

  async stop(): Promise<void> {
    for (const task of this.tasks.splice(0)) task.stop();
  }

  /** One tick of a schedule, as the timer would run it (also used by tests and the API). */
  async tick(kind: string): Promise<TickOutcome> {
    const spec = this.specs.get(kind);
    if (!spec) throw new NetsyncError('NOT_FOUND', `no schedule '${kind}'`, { kind });
    if (this.inFlight.has(kind)) {
      this.logger.info({ kind }, 'previous run still going; tick skipped');
      return 'skipped-overlap';
    }
    if (!windowsAllow(this.clock(), spec.windows)) return 'outside-window';
    this.inFlight.add(kind);
    try {
      await spec.run();
      return 'ran';
    } catch (err) {
      this.logger.error({ kind, err }, 'scheduled run failed');
      return 'failed';
    } finally {
      this.inFlight.delete(kind);
    }
  }
}
