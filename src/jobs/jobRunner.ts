/**
 * Runs jobs and keeps their persisted records (docs/design/architecture.md §3). A job's work gets a
 * context to report progress and per-device results and to notice an abort;
 * an exception in the work becomes a FAILED job, never an escaped error.
 */
import { randomUUID } from 'node:crypto';
import { NetsyncError, notFound } from '../model/errors.ts';
import type { DeviceJobResult, Job } from '../model/job.ts';
import { isFinished } from '../model/job.ts';
import type { Clock, Logger } from '../model/ports.ts';
import type { RunRecord } from '../commit/journal.ts';
import type { Store } from '../model/store.ts';

export interface JobContext {
  readonly jobId: string;
  /** Aborted by an operator: start no new device work. */
  readonly signal: AbortSignal;
  setTotal(total: number): Promise<void>;
  /** Records one device's result; results with a final status count towards progress. */
  deviceResult(hostname: string, result: DeviceJobResult): Promise<void>;
  update(change: Partial<Pick<Job, 'changeScore' | 'error'>>): Promise<void>;
  /** Adds a line to the job's log. */
  note(text: string): Promise<void>;
}

export interface StartJob {
  kind: string;
  args: Record<string, unknown>;
  by: string;
  comment?: string;
  ticketRef?: string;
}

const FINAL_DEVICE_STATUSES = new Set(['synced', 'unchanged', 'would-change', 'failed', 'skipped', 'drift']);

/** Ended jobs kept (with their per-device diffs); older ones are dropped so the store stays small. */
export const DEFAULT_JOBS_KEPT = 500;

export class JobRunner {
  private readonly running = new Map<string, { controller: AbortController; done: Promise<Job> }>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly keep: number = DEFAULT_JOBS_KEPT,
    /** This process's replica id, written on every job it runs. */
    private readonly replica?: string,
  ) {}

  /** Creates the record, starts the work in the background and returns the record at once. */
  async start(spec: StartJob, work: (ctx: JobContext) => Promise<'FINISHED' | 'FAILED'>): Promise<Job> {
    const id = randomUUID();
    const now = this.clock().toISOString();
    const job: Job = {
      id,
      kind: spec.kind,
      status: 'RUNNING',
      args: spec.args,
      by: spec.by,
      ...(spec.comment ? { comment: spec.comment } : {}),
      ...(spec.ticketRef ? { ticketRef: spec.ticketRef } : {}),
      progress: { done: 0, total: 0 },
      perDevice: {},
      createdAt: now,
      startedAt: now,
      ...(this.replica ? { replica: this.replica } : {}),
    };
    await this.store.updateRecord('jobs', id, () => job);
    const controller = new AbortController();
    const done = this.execute(id, controller, work);
    this.running.set(id, { controller, done });
    void done.finally(() => this.running.delete(id));
    return job;
  }

  async get(id: string): Promise<Job> {
    const job = await this.store.getRecord('jobs', id);
    if (!job) throw notFound('job', id);
    return job;
  }

  /** The newest `limit` jobs, newest first; only those are copied (a long history holds every device's diff). */
  async list(limit = 50): Promise<Job[]> {
    return this.store.readRecords('jobs', (jobs) =>
      [...jobs]
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
        .slice(0, limit)
        .map((j) => structuredClone(j) as Job),
    );
  }

  /** Resolves when the job has ended (at once for an ended job). */
  async wait(id: string): Promise<Job> {
    const entry = this.running.get(id);
    return entry ? entry.done : this.get(id);
  }

  /**
   * Asks a running job to stop: it starts no new devices; work already under
   * way finishes or rolls back. Returns at once with the record as it is now.
   */
  async requestAbort(id: string, by: string): Promise<Job> {
    const job = await this.get(id);
    const entry = this.running.get(id);
    if (isFinished(job.status) || !entry) {
      throw new NetsyncError('CONFLICT', `job ${id} is ${job.status}; only a running job can be aborted`, { id, status: job.status });
    }
    this.logger.info({ jobId: id, by }, 'job abort requested');
    entry.controller.abort(new NetsyncError('ABORTED', `aborted by ${by}`));
    return job;
  }

  /** Aborts and waits for the job to end. */
  async abort(id: string, by: string): Promise<Job> {
    await this.requestAbort(id, by);
    return this.wait(id);
  }

  /**
   * After a restart nothing is running: any job still marked RUNNING/SCHEDULED whose replica is `gone` (every
   * job, for a single process) was cut off. It is ABORTED,
   * and each of its devices without a final result gets one (never left "running"): failed, with the phase
   * the journal last saw it in. `runs` are the journal's interrupted runs (a job's run has the job's id).
   */
  async abortInterrupted(runs: RunRecord[] = [], gone: (replica: string | undefined) => boolean = () => true): Promise<string[]> {
    const interrupted = (await this.store.listRecords('jobs')).filter((j) => !isFinished(j.status) && gone(j.replica) && !this.running.has(j.id));
    const at = this.clock().toISOString();
    for (const job of interrupted) {
      const run = runs.find((r) => r.id === job.id);
      await this.store.updateRecord('jobs', job.id, (j) => {
        const current = j ?? job;
        const perDevice = { ...current.perDevice };
        const hostnames = new Set([...Object.keys(perDevice), ...(Array.isArray(current.args.devices) ? current.args.devices.filter((h): h is string => typeof h === 'string') : [])]);
        for (const hostname of hostnames) {
          const result = perDevice[hostname];
          if (result && FINAL_DEVICE_STATUSES.has(result.status)) continue;
          const phase = run?.devices.find((d) => d.hostname.toLowerCase() === hostname.toLowerCase())?.phase;
          perDevice[hostname] = {
            ...result,
            status: 'failed',
            error:
              phase && phase !== 'queued'
                ? `the daemon stopped while this device was in phase '${phase}'; netsync cancels what the job left pending on restart, and the device stays unsynchronized`
                : 'the daemon stopped before this device was changed; it stays unsynchronized',
          };
        }
        return {
          ...current,
          status: 'ABORTED',
          perDevice,
          progress: { ...current.progress, done: Object.values(perDevice).filter((r) => FINAL_DEVICE_STATUSES.has(r.status)).length },
          error: current.replica
            ? `the netsync process running this job (replica ${current.replica}) stopped while it was running; devices not verified stay unsynchronized`
            : 'the daemon restarted while this job was running; devices not verified stay unsynchronized',
          finishedAt: at,
          ...(run ? {} : { log: [...(current.log ?? []), 'recovery: the job had not changed any device yet, nothing to recover'] }),
        };
      });
    }
    return interrupted.map((j) => j.id);
  }

  /** What recovery did on each device of a job cut off by a restart, in the job's log. */
  async recordRecovery(run: RunRecord): Promise<void> {
    if (!(await this.store.getRecord('jobs', run.id))) return;
    const lines = [
      ...(run.recovery ?? []).map((r) => `recovery: ${r['node-id']}: ${r.status}${r.error ? ` (${r.error.code}: ${r.error.message})` : ''}`),
      ...(run.recoveryNotes ?? []).map((n) => `recovery: ${n}`),
    ];
    await this.store.updateRecord('jobs', run.id, (j) => ({ ...j!, log: [...(j!.log ?? []), ...(lines.length ? lines : ['recovery: nothing was pending'])] }));
  }

  /** Waits for every running job; used on shutdown and by tests. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
  }

  private async execute(id: string, controller: AbortController, work: (ctx: JobContext) => Promise<'FINISHED' | 'FAILED'>): Promise<Job> {
    const ctx = this.context(id, controller.signal);
    let status: Job['status'];
    let error: string | undefined;
    try {
      status = await work(ctx);
    } catch (err) {
      status = 'FAILED';
      error = (err as Error).message;
      this.logger.error({ jobId: id, err }, 'job failed');
    }
    if (controller.signal.aborted) status = 'ABORTED';
    const finishedAt = this.clock().toISOString();
    const ended = await this.store.updateRecord('jobs', id, (j) => ({ ...j!, status, finishedAt, ...(error ? { error } : {}) }));
    await this.prune();
    return ended;
  }

  /** Drops the oldest ended jobs beyond `keep`; running ones are never dropped. */
  private async prune(): Promise<void> {
    await this.store.transact((view) => {
      const ended = view.records('jobs').filter((j) => isFinished(j.status));
      const endedAt = (j: Job) => j.finishedAt ?? j.createdAt;
      const surplus = ended.sort((a, b) => endedAt(b).localeCompare(endedAt(a))).slice(this.keep);
      return { result: undefined, records: surplus.map((j) => ({ collection: 'jobs' as const, id: j.id, delete: true as const })) };
    });
  }

  private context(id: string, signal: AbortSignal): JobContext {
    return {
      jobId: id,
      signal,
      setTotal: async (total) => {
        await this.store.updateRecord('jobs', id, (j) => ({ ...j!, progress: { ...j!.progress, total } }));
      },
      deviceResult: async (hostname, result) => {
        await this.store.updateRecord('jobs', id, (j) => {
          const perDevice = { ...j!.perDevice, [hostname]: result };
          const done = Object.values(perDevice).filter((r) => FINAL_DEVICE_STATUSES.has(r.status)).length;
          return { ...j!, perDevice, progress: { ...j!.progress, done } };
        });
      },
      update: async (change) => {
        await this.store.updateRecord('jobs', id, (j) => ({ ...j!, ...change }));
      },
      note: async (text) => {
        await this.store.updateRecord('jobs', id, (j) => ({ ...j!, log: [...(j!.log ?? []), text] }));
      },
    };
  }
}
