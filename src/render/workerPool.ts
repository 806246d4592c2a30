/**
 * Runs renders in worker threads (piscina), the sandbox's second wall: a thread has an empty environment (no
 * tokens, device logins or webhook secrets), a capped heap, and every device a time budget enforced from
 * here: the worker records which device it is on, and a watchdog on this thread aborts the task (piscina
 * terminates the thread) once one device has run longer than the budget. That device fails with
 * RENDER_BUDGET_EXCEEDED; the rest of its batch is rendered again by another task. The pool is created on
 * first use and its idle threads do not keep a process alive; `close()` ends them.
 */
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { NetsyncError } from '../model/errors.ts';
import type { RenderedConfig, RenderTarget } from './renderConfig.ts';
import type { SettingsDoc } from './settingsSnapshot.ts';
import type { RenderBatchReply, RenderBatchTask } from './workerProtocol.ts';
import { deserializeError } from './workerProtocol.ts';

export interface RenderBudget {
  /** Longest one device's render may take (ms). */
  timeoutMs: number;
  /** Heap cap of a render thread (MB). */
  memoryMb: number;
  /** Largest rendered config (bytes). */
  maxOutputBytes: number;
}

export const DEFAULT_RENDER_BUDGET: RenderBudget = { timeoutMs: 2000, memoryMb: 256, maxOutputBytes: 4 * 1024 * 1024 };

export interface RenderJob {
  settings: { sha: string; files: Map<string, string> };
  templates: { sha: string; files: Map<string, string> };
  devices: RenderTarget[];
  secrets: Record<string, string>;
  defaults?: SettingsDoc;
  /** The template a device renders, named in budget errors. */
  templateOf(device: RenderTarget): string;
}

/** Devices per task: large enough that the message cost disappears, small enough to spread over threads. */
const MAX_BATCH = 250;
/** Below this many devices per thread one thread does it all (starting a thread costs more than it saves). */
const MIN_BATCH = 50;
/** Parsing a commit in a thread may take this many render budgets before it counts as stuck. */
const PARSE_BUDGETS = 10;
const PARSING = -2;
const QUEUED = -1;

export class RenderPool {
  private pool: Piscina | undefined;
  private readonly threads: number;

  constructor(
    readonly budget: RenderBudget = DEFAULT_RENDER_BUDGET,
    threads?: number,
  ) {
    this.threads = Math.max(1, threads ?? availableParallelism());
  }

  /** One result per device, in order: the render or the NetsyncError that stopped it. */
  async renderMany(job: RenderJob): Promise<(RenderedConfig | NetsyncError)[]> {
    if (job.devices.length === 0) return [];
    const size = Math.min(MAX_BATCH, Math.max(MIN_BATCH, Math.ceil(job.devices.length / this.threads)));
    const batches: RenderTarget[][] = [];
    for (let i = 0; i < job.devices.length; i += size) batches.push(job.devices.slice(i, i + size));
    return (await Promise.all(batches.map((devices) => this.runBatch(job, devices, false)))).flat();
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.destroy();
  }

  private piscina(): Piscina {
    if (!this.pool) {
      const self = fileURLToPath(import.meta.url);
      const ts = extname(self) === '.ts';
      this.pool = new Piscina({
        // From TypeScript sources a JS entry registers tsx's loader first; compiled JS loads the task directly.
        filename: fileURLToPath(new URL(ts ? './workerTsBootstrap.cjs' : './workerTask.js', import.meta.url)),
        minThreads: 0,
        maxThreads: this.threads,
        // Threads keep their parsed commits; an idle one ends after a while (and never keeps a process alive).
        idleTimeout: 5 * 60_000,
        // Nothing of the daemon's environment: no tokens, secrets or logins (secrets a render needs come per task).
        env: {},
        argv: [],
        execArgv: [],
        resourceLimits: { maxOldGenerationSizeMb: this.budget.memoryMb, maxYoungGenerationSizeMb: Math.min(64, Math.max(8, this.budget.memoryMb / 8)) },
      });
    }
    return this.pool;
  }

  private async runBatch(job: RenderJob, devices: RenderTarget[], withFiles: boolean | ('settings' | 'templates')[]): Promise<(RenderedConfig | NetsyncError)[]> {
    const progress = new SharedArrayBuffer(8);
    const view = new Int32Array(progress);
    view[0] = QUEUED;
    const epoch = Date.now();
    const send = (repo: 'settings' | 'templates') => withFiles === true || (Array.isArray(withFiles) && withFiles.includes(repo));
    const task: RenderBatchTask = {
      settings: { sha: job.settings.sha, ...(send('settings') ? { files: job.settings.files } : {}) },
      templates: { sha: job.templates.sha, ...(send('templates') ? { files: job.templates.files } : {}) },
      devices,
      secrets: job.secrets,
      ...(job.defaults ? { defaults: job.defaults } : {}),
      maxOutputBytes: this.budget.maxOutputBytes,
      progress,
      epoch,
    };
    const abort = new AbortController();
    const watchdog = new Watchdog(view, epoch, this.budget.timeoutMs, () => abort.abort());
    const pool = this.piscina();
    let reply: RenderBatchReply;
    try {
      reply = (await pool.run(task, { signal: abort.signal })) as RenderBatchReply;
    } catch (err) {
      if (abort.signal.aborted) return this.afterCrash(job, devices, view, 'time', err);
      if ((err as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY') return this.afterCrash(job, devices, view, 'memory', err);
      const failed = new NetsyncError('RENDER_FAILED', `the render worker failed: ${(err as Error).message}`);
      return devices.map(() => failed);
    } finally {
      watchdog.stop();
    }
    if ('missing' in reply) return this.runBatch(job, devices, reply.missing);
    return reply.results.map((r) => ('error' in r ? deserializeError(r) : r));
  }

  /** The thread was cut off (time) or died (heap): the device it was on fails, the others render again. */
  private async afterCrash(job: RenderJob, devices: RenderTarget[], view: Int32Array, budget: 'time' | 'memory', err: unknown): Promise<(RenderedConfig | NetsyncError)[]> {
    const at = Atomics.load(view, 0);
    if (at < 0 || at >= devices.length) {
      const reason = budget === 'time' ? `took longer than ${PARSE_BUDGETS * this.budget.timeoutMs} ms` : `ran out of its ${this.budget.memoryMb} MB heap (${(err as Error).message})`;
      return devices.map(
        (d) =>
          new NetsyncError('RENDER_BUDGET_EXCEEDED', `${d.hostname}: reading settings ${job.settings.sha.slice(0, 10)} and templates ${job.templates.sha.slice(0, 10)} ${reason}`, {
            hostname: d.hostname,
            budget,
          }),
      );
    }
    const device = devices[at]!;
    const template = job.templateOf(device);
    const what = budget === 'time' ? `took longer than the ${this.budget.timeoutMs} ms render budget` : `went over the ${this.budget.memoryMb} MB render memory cap`;
    const failed = new NetsyncError('RENDER_BUDGET_EXCEEDED', `${device.hostname}: ${template} ${what}; the render was stopped`, { hostname: device.hostname, template, budget });
    const rest = devices.filter((_, i) => i !== at);
    const again = rest.length > 0 ? await this.runBatch(job, rest, false) : [];
    return [...again.slice(0, at), failed, ...again.slice(at)];
  }
}

/** Aborts a task once the device it is on has run past the budget (parsing gets PARSE_BUDGETS budgets). */
class Watchdog {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly view: Int32Array,
    private readonly epoch: number,
    private readonly budgetMs: number,
    private readonly onOver: () => void,
  ) {
    this.schedule(budgetMs);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => this.check(), Math.max(1, ms));
  }

  private check(): void {
    const at = Atomics.load(this.view, 0);
    if (at === QUEUED) return this.schedule(this.budgetMs);
    const allowed = at === PARSING ? PARSE_BUDGETS * this.budgetMs : this.budgetMs;
    const left = this.epoch + Atomics.load(this.view, 1) + allowed - Date.now();
    if (left <= 0) {
      this.timer = undefined;
      this.onOver();
    } else this.schedule(left);
  }
}

const shared = new Map<string, { pool: RenderPool; users: number }>();

/**
 * A pool shared by every renderer of this process with the same budget (tests and the CLI build several
 * renderers; starting threads is the expensive part). `close()` of the returned executor releases it; the
 * threads end when the last user has released it.
 */
export function sharedRenderPool(budget: RenderBudget, threads?: number): { renderMany: RenderPool['renderMany']; close(): Promise<void> } {
  const key = JSON.stringify({ budget, threads });
  let entry = shared.get(key);
  if (!entry) shared.set(key, (entry = { pool: new RenderPool(budget, threads), users: 0 }));
  entry.users++;
  const pool = entry.pool;
  let released = false;
  return {
    renderMany: (job) => pool.renderMany(job),
    close: async () => {
      if (released) return;
      released = true;
      const e = shared.get(key);
      if (e && --e.users === 0) {
        shared.delete(key);
        await e.pool.close();
      }
    },
  };
}
