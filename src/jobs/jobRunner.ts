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
import type { JobQueue } from '../model/cluster.ts';

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
  /**
   * Reads the job's record for an abort asked for on another replica (every device result reads it too) and
   * aborts `signal` when there is one; true when the job is aborted.
   */
  checkAbort(): Promise<boolean>;
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

/** A job kind's work, rebuilt from the job's record (a queued job may run on another replica than the one that accepted it). */
export type JobWork = (job: Job, ctx: JobContext) => Promise<'FINISHED' | 'FAILED'>;

/** How often a replica looks for jobs other replicas queued (ms). */
export const QUEUE_POLL_MS = 1000;

export class JobRunner {
  private readonly running = new Map<string, { controller: AbortController; done: Promise<Job> }>();
  private readonly kinds = new Map<string, JobWork>();
  private queue: JobQueue | undefined;
  private poller: NodeJS.Timeout | undefined;
  private pumping: Promise<void> | undefined;

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
    const job = this.newRecord(spec, 'RUNNING');
    await this.store.updateRecord('jobs', job.id, () => job);
    this.launch(job.id, work);
    return job;
  }

  /** Registers the work of a job kind, for `submit` (and for jobs of that kind claimed from the shared queue). */
  handle(kind: string, work: JobWork): void {
    this.kinds.set(kind, work);
  }

  /**
   * Jobs go through the replicas' shared queue from now on: `submit` queues them and this replica claims queued
   * jobs (its own at once, any replica's within QUEUE_POLL_MS) and runs them.
   */
  useQueue(queue: JobQueue): void {
    this.queue = queue;
    this.poller ??= setInterval(() => void this.pump(), QUEUE_POLL_MS);
    this.poller.unref();
  }

  /** Stops claiming queued jobs (shutdown); jobs already running go on (drain waits for them). */
  stopQueue(): void {
    if (this.poller) clearInterval(this.poller);
    this.poller = undefined;
    this.queue = undefined;
  }

  /**
   * Accepts a job of a registered kind: without a shared queue it starts here at once (as `start`); with one
   * its record is SCHEDULED and queued, and whichever live replica claims it first runs it.
   */
  async submit(spec: StartJob): Promise<Job> {
    const work = this.kinds.get(spec.kind);
    if (!work) throw new NetsyncError('INTERNAL', `no work is registered for jobs of kind '${spec.kind}'`, { kind: spec.kind });
    const queue = this.queue;
    if (!queue) {
      const job = this.newRecord(spec, 'RUNNING');
      await this.store.updateRecord('jobs', job.id, () => job);
      this.launch(job.id, (ctx) => work(job, ctx));
      return job;
    }
    const job = this.newRecord(spec, 'SCHEDULED');
    await this.store.updateRecord('jobs', job.id, () => job);
    await queue.enqueue(job.id);
    void this.pump();
    return job;
  }

  /** Claims and starts queued jobs until none waits. */
  private pump(): Promise<void> {
    this.pumping ??= (async () => {
      try {
        for (;;) {
          const queue = this.queue;
          const id = queue ? await queue.claim() : undefined;
          if (!id) return;
          await this.runClaimed(id);
        }
      } catch (err) {
        this.logger.warn({ err }, 'could not claim a queued job; trying again shortly');
      } finally {
        this.pumping = undefined;
      }
    })();
    return this.pumping;
  }

  /** A job this replica claimed: RUNNING here, or ABORTED at once when an abort was asked for while it waited. */
  private async runClaimed(id: string): Promise<void> {
    const job = await this.store.getRecord('jobs', id);
    if (!job || isFinished(job.status)) return;
    const work = this.kinds.get(job.kind);
    const now = this.clock().toISOString();
    if (job.abortRequested || !work) {
      await this.store.updateRecord('jobs', id, (j) => ({
        ...j!,
        status: 'ABORTED',
        finishedAt: now,
        error: job.abortRequested
          ? `aborted by ${job.abortRequested.by} before it started`
          : `no work is registered for jobs of kind '${job.kind}' on replica ${this.replica ?? '(this process)'}`,
      }));
      return;
    }
    const started = await this.store.updateRecord('jobs', id, (j) => ({
      ...j!,
      status: 'RUNNING',
      startedAt: now,
      ...(this.replica ? { replica: this.replica } : {}),
    }));
    this.launch(id, (ctx) => work(started, ctx));
  }

  private newRecord(spec: StartJob, status: 'RUNNING' | 'SCHEDULED'): Job {
    const now = this.clock().toISOString();
    return {
      id: randomUUID(),
      kind: spec.kind,
      status,
      args: spec.args,
      by: spec.by,
      ...(spec.comment ? { comment: spec.comment } : {}),
      ...(spec.ticketRef ? { ticketRef: spec.ticketRef } : {}),
      progress: { done: 0, total: 0 },
      perDevice: {},
      createdAt: now,
      // A queued job is started (and owned) by the replica that claims it.
      ...(status === 'RUNNING' ? { startedAt: now, ...(this.replica ? { replica: this.replica } : {}) } : {}),
    };
  }

  private launch(id: string, work: (ctx: JobContext) => Promise<'FINISHED' | 'FAILED'>): void {
    const controller = new AbortController();
    const done = this.execute(id, controller, work);
    this.running.set(id, { controller, done });
    void done.finally(() => this.running.delete(id));
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
    if (entry) return entry.done;
    // Queued, or running on another replica: its record says when it has ended.
    for (;;) {
      const job = await this.get(id);
      if (isFinished(job.status) || !this.queue) return job;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /**
   * Asks a running job to stop: it starts no new devices; work already under
   * way finishes or rolls back. Returns at once with the record as it is now.
   */
  async requestAbort(id: string, by: string): Promise<Job> {
    const job = await this.get(id);
    if (isFinished(job.status)) {
      throw new NetsyncError('CONFLICT', `job ${id} is ${job.status}; only a running job can be aborted`, { id, status: job.status });
    }
    const entry = this.running.get(id);
    // Running on another replica (or not yet started): the request is recorded on the job, which the replica
    // running it reads between devices.
    const waiting = job.status === 'SCHEDULED' && !job.replica && this.queue !== undefined;
    if (!entry && !waiting && (!job.replica || job.replica === this.replica)) {
      throw new NetsyncError('CONFLICT', `job ${id} is ${job.status} but no netsync process runs it; it is marked ABORTED when recovery finds it`, {
        id,
        status: job.status,
      });
    }
    this.logger.info({ jobId: id, by, runningOn: job.replica }, 'job abort requested');
    const requested = { by, at: this.clock().toISOString() };
    const recorded = await this.store.updateRecord('jobs', id, (j) =>
      j && !isFinished(j.status) && !j.abortRequested ? { ...j, abortRequested: requested } : j!,
    );
    entry?.controller.abort(new NetsyncError('ABORTED', `aborted by ${by}`));
    return recorded;
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
    // A queued job no replica has claimed yet is waiting, not interrupted: a live replica will run it.
    const waiting = (j: Job) => this.queue !== undefined && j.status === 'SCHEDULED' && !j.replica;
    const interrupted = (await this.store.listRecords('jobs')).filter(
      (j) => !isFinished(j.status) && !waiting(j) && gone(j.replica) && !this.running.has(j.id),
    );
    const at = this.clock().toISOString();
    for (const job of interrupted) {
      const run = runs.find((r) => r.id === job.id);
      await this.store.updateRecord('jobs', job.id, (j) => {
        const current = j ?? job;
        const perDevice = { ...current.perDevice };
        const hostnames = new Set([
          ...Object.keys(perDevice),
          ...(Array.isArray(current.args.devices) ? current.args.devices.filter((h): h is string => typeof h === 'string') : []),
        ]);
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
    const ctx = this.context(id, controller);
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

  private context(id: string, controller: AbortController): JobContext {
    /** An abort recorded on the job by another replica stops this one's work as a local abort would. */
    const heed = (job: Job) => {
      if (job.abortRequested && !controller.signal.aborted) {
        this.logger.info({ jobId: id, by: job.abortRequested.by }, 'job abort requested (recorded by another replica)');
        controller.abort(new NetsyncError('ABORTED', `aborted by ${job.abortRequested.by}`));
      }
    };
    return {
      jobId: id,
      signal: controller.signal,
      setTotal: async (total) => {
        heed(await this.store.updateRecord('jobs', id, (j) => ({ ...j!, progress: { ...j!.progress, total } })));
      },
      deviceResult: async (hostname, result) => {
        heed(
          await this.store.updateRecord('jobs', id, (j) => {
            const perDevice = { ...j!.perDevice, [hostname]: result };
            const done = Object.values(perDevice).filter((r) => FINAL_DEVICE_STATUSES.has(r.status)).length;
            return { ...j!, perDevice, progress: { ...j!.progress, done } };
          }),
        );
      },
      update: async (change) => {
        await this.store.updateRecord('jobs', id, (j) => ({ ...j!, ...change }));
      },
      note: async (text) => {
        heed(await this.store.updateRecord('jobs', id, (j) => ({ ...j!, log: [...(j!.log ?? []), text] })));
      },
      checkAbort: async () => {
        const job = await this.store.getRecord('jobs', id);
        if (job) heed(job);
        return controller.signal.aborted;
      },
    };
  }
}
