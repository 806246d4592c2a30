/**
 * Runs renders in child processes, the sandbox's second wall (renderChild.ts, renderProcess.ts): a process has
 * an empty environment (no tokens, device logins or webhook secrets) and a capped heap, and every device a
 * time budget enforced from here: the process reports which device it is on, and a watchdog on this side
 * kills it once one device has run longer than the budget. A process, not a worker thread, because on Node
 * 20 a thread that runs out of heap (or hits a V8 size limit) can abort the whole daemon (nodejs/node#47224);
 * a process takes only itself down. That device fails with RENDER_BUDGET_EXCEEDED; the rest of its batch is
 * rendered again by another process. Processes start on first use, stay for the next renders (each keeps
 * its parsed commits) and end after a while idle; an idle one never keeps the daemon or the CLI alive.
 */
import { availableParallelism } from 'node:os';
import { NetsyncError } from '../model/errors.ts';
import type { InputLimits } from '../render/inputLimits.ts';
import { DEFAULT_INPUT_LIMITS } from '../render/inputLimits.ts';
import { PARSING, STARTING, WAITING } from '../render/renderBatch.ts';
import type { StructuredPatch } from 'diff';
import type { ConfigDiffer, PatchRequest } from '../render/configDiff.ts';
import { ChildEnded, RenderChild } from './renderChild.ts';
import type { RenderedConfig, RenderTarget } from '../render/renderConfig.ts';
import type { SettingsSnapshot } from '../render/settingsSnapshot.ts';
import type { RenderBudget, RenderJob } from '../render/renderJob.ts';
import { DEFAULT_RENDER_BUDGET } from '../render/renderJob.ts';
import { WHOLE_REPO } from '../render/settingsSnapshot.ts';
import type { ParsedTemplates, TemplatesSnapshot } from '../render/templatesSnapshot.ts';
import { assembleTemplates } from '../render/templatesSnapshot.ts';
import { commitKey, deserializeError } from '../render/workerProtocol.ts';
import type { DiffReply, ParseReply, ParseTask, RenderBatchReply, RenderBatchTask } from '../render/workerProtocol.ts';

/** Devices per task: large enough that the message cost disappears, small enough to spread over processes. */
const MAX_BATCH = 250;
/** Below this many devices per process one process does it all (starting one costs more than it saves). */
const MIN_BATCH = 50;
/** Parsing a commit may take this many render budgets before it counts as stuck. */
const PARSE_BUDGETS = 10;
/**
 * A diff stops itself at its budget (jsdiff's `timeout`); a process still busy this long after (budget x 2 +
 * 1 s) is killed, and the diff counts as over budget.
 */
const diffBackstopMs = (budgetMs: number) => 2 * budgetMs + 1000;
/** An idle process ends after this long. */
const IDLE_MS = 5 * 60_000;

export class RenderPool {
  private readonly size: number;
  private readonly idle: RenderChild[] = [];
  private readonly idleTimers = new Map<RenderChild, NodeJS.Timeout>();
  private readonly waiting: ((child: RenderChild) => void)[] = [];
  /** Every process started and not yet ended (busy or idle). */
  private readonly all = new Set<RenderChild>();

  constructor(
    readonly budget: RenderBudget = DEFAULT_RENDER_BUDGET,
    processes?: number,
  ) {
    this.size = Math.max(1, processes ?? availableParallelism());
  }

  /** One result per device, in order: the render or the NetsyncError that stopped it. */
  async renderMany(job: RenderJob): Promise<(RenderedConfig | NetsyncError)[]> {
    if (job.devices.length === 0) return [];
    const size = Math.min(MAX_BATCH, Math.max(MIN_BATCH, Math.ceil(job.devices.length / this.size)));
    const batches: RenderTarget[][] = [];
    for (let i = 0; i < job.devices.length; i += size) batches.push(job.devices.slice(i, i + size));
    return (await Promise.all(batches.map((devices) => this.runBatch(job, devices, [])))).flat();
  }

  /** Ends the processes; a later render starts new ones. */
  async close(): Promise<void> {
    this.idle.splice(0);
    for (const timer of this.idleTimers.values()) clearTimeout(timer);
    this.idleTimers.clear();
    const all = [...this.all];
    this.all.clear();
    await Promise.all(all.map((c) => c.stop()));
  }

  /**
   * Parses a commit in a render process (the daemon's main thread never runs the YAML parser on a push: a
   * 1 MB file takes it seconds), which keeps the parse for the renders that follow. A parse over ten render
   * budgets, or one that exhausts the process's heap, is a problem of the whole repo: the push is refused.
   */
  async parseSettings(sha: string, files: Map<string, string>, limits: InputLimits = DEFAULT_INPUT_LIMITS): Promise<SettingsSnapshot> {
    const parsed = await this.parse({ repo: 'settings', sha, files, limits });
    if (parsed instanceof ChildEnded)
      return { files, docs: new Map(), problems: [{ path: WHOLE_REPO, kind: 'over_budget', message: this.parseFailure(parsed) }], groupPriority: new Map() };
    return { files, ...(parsed as { settings: Omit<SettingsSnapshot, 'files'> }).settings };
  }

  async parseTemplates(sha: string, files: Map<string, string>, limits: InputLimits = DEFAULT_INPUT_LIMITS): Promise<TemplatesSnapshot> {
    const parsed = await this.parse({ repo: 'templates', sha, files, limits });
    if (parsed instanceof ChildEnded)
      return assembleTemplates(files, { platforms: new Map(), problems: [{ path: WHOLE_REPO, message: this.parseFailure(parsed) }] }, limits);
    return assembleTemplates(files, (parsed as { templates: ParsedTemplates }).templates, limits);
  }

  private async parse(task: ParseTask): Promise<ParseReply | ChildEnded> {
    const child = await this.acquire(task.repo, task.sha, task.limits);
    const on = { device: WAITING, since: Date.now() };
    const watchdog = new Watchdog(on, this.budget.timeoutMs, () => child.killForTime());
    try {
      return (await child.run({ parse: task }, (device, at) => {
        if (device === STARTING && on.device !== WAITING) return; // the process already reported
        on.device = device;
        on.since = at;
      })) as ParseReply;
    } catch (err) {
      if (err instanceof ChildEnded) return err;
      throw err;
    } finally {
      watchdog.stop();
      this.release(child);
    }
  }

  /**
   * Diffs two configs in a render process under render.diffTimeoutMs: the daemon's main thread never runs a
   * diff (two unrelated 20,000-line configs take jsdiff minutes without its timeout, the whole budget with it).
   * undefined: over the budget (or the process had to be stopped), shown as too large to compare.
   */
  async structuredPatch(request: PatchRequest): Promise<StructuredPatch | undefined> {
    const child = await this.acquire('settings', '', DEFAULT_INPUT_LIMITS);
    const on = { device: WAITING, since: Date.now() };
    const watchdog = new Watchdog(on, diffBackstopMs(this.budget.diffTimeoutMs), () => child.killForTime());
    try {
      const reply = (await child.run({ diff: { ...request, timeoutMs: this.budget.diffTimeoutMs } }, (device, at) => {
        if (device === STARTING && on.device !== WAITING) return;
        on.device = device;
        on.since = at;
      })) as DiffReply;
      return reply.patch ?? undefined;
    } catch (err) {
      if (err instanceof ChildEnded) return undefined;
      throw err;
    } finally {
      watchdog.stop();
      this.release(child);
    }
  }

  /** The pool as a ConfigDiffer (Renderer.differ). */
  get differ(): ConfigDiffer {
    return { timeoutMs: this.budget.diffTimeoutMs, structuredPatch: (request) => this.structuredPatch(request) };
  }

  private parseFailure(ended: ChildEnded): string {
    if (ended.how === 'time') return `parsing took longer than ${PARSE_BUDGETS * this.budget.timeoutMs} ms (ten render budgets, render.timeoutMs)`;
    if (ended.how === 'memory') return `parsing went over the ${this.budget.memoryMb} MB render memory cap (render.memoryMb)`;
    return `parsing failed: ${ended.message}`;
  }

  /** PIDs of the running processes (tests read their /proc entries). */
  get pids(): number[] {
    return [...this.all].map((c) => c.pid).filter((p): p is number => p !== undefined);
  }

  /** An idle process, preferably one that holds the commit; a new one while under the size. */
  private acquire(repo: 'settings' | 'templates', sha: string, limits: InputLimits): Promise<RenderChild> {
    const key = commitKey(sha, limits);
    // An idle process that ended meanwhile (killed from outside) is dropped, not handed a task.
    for (const dead of this.idle.filter((c) => !c.alive)) {
      this.idle.splice(this.idle.indexOf(dead), 1);
      clearTimeout(this.idleTimers.get(dead));
      this.idleTimers.delete(dead);
      this.all.delete(dead);
    }
    let i = this.idle.findIndex((c) => c.knows(repo, key));
    // Else the one that parsed this repo last: its parse of a new commit reuses every unchanged file's.
    if (i < 0 && this.idle.length > 0) i = this.idle.reduce((best, c, at) => (c.lastParsed(repo) > this.idle[best]!.lastParsed(repo) ? at : best), 0);
    const child = i >= 0 ? this.idle.splice(i, 1)[0] : undefined;
    if (child) {
      clearTimeout(this.idleTimers.get(child));
      this.idleTimers.delete(child);
      return Promise.resolve(child);
    }
    if (this.all.size < this.size) return Promise.resolve(this.start());
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private start(): RenderChild {
    const child = new RenderChild(this.budget.memoryMb);
    this.all.add(child);
    return child;
  }

  private release(child: RenderChild): void {
    if (!child.alive || !this.all.has(child)) {
      // Ended (killed at the budget, out of heap) or the pool was closed meanwhile.
      this.all.delete(child);
      void child.stop();
      // A waiting batch gets a new process in place of the one that ended.
      const next = this.waiting.shift();
      if (next) next(this.start());
      return;
    }
    const next = this.waiting.shift();
    if (next) return next(child);
    this.idle.push(child);
    const timer = setTimeout(() => {
      const at = this.idle.indexOf(child);
      if (at < 0) return;
      this.idle.splice(at, 1);
      this.idleTimers.delete(child);
      this.all.delete(child);
      void child.stop();
    }, IDLE_MS);
    timer.unref();
    this.idleTimers.set(child, timer);
  }

  /** `withFiles`: repos whose files go with the task whatever the process is believed to have parsed. */
  /** `retried`: this batch's process already ended before it was handed the task once (it is not tried a third time). */
  private async runBatch(
    job: RenderJob,
    devices: RenderTarget[],
    withFiles: ('settings' | 'templates')[],
    retried = false,
  ): Promise<(RenderedConfig | NetsyncError)[]> {
    const limits = job.limits ?? DEFAULT_INPUT_LIMITS;
    const child = await this.acquire('settings', job.settings.sha, limits);
    const send = (repo: 'settings' | 'templates') => withFiles.includes(repo) || !child.knows(repo, commitKey(job[repo].sha, limits));
    const task: RenderBatchTask = {
      settings: { sha: job.settings.sha, ...(send('settings') ? { files: job.settings.files } : {}) },
      templates: { sha: job.templates.sha, ...(send('templates') ? { files: job.templates.files } : {}) },
      devices,
      secrets: job.secrets,
      ...(job.defaults ? { defaults: job.defaults } : {}),
      limits,
      maxOutputBytes: this.budget.maxOutputBytes,
    };
    const on = { device: WAITING, since: Date.now() };
    const watchdog = new Watchdog(on, this.budget.timeoutMs, () => child.killForTime());
    let reply: RenderBatchReply;
    try {
      reply = (await child.run({ task }, (device, at) => {
        if (device === STARTING && on.device !== WAITING) return; // the process already reported
        on.device = device;
        on.since = at;
      })) as RenderBatchReply;
    } catch (err) {
      // A process that ended before it was handed the task (killed while idle) costs no device its render.
      if (err instanceof ChildEnded && on.device === WAITING && !retried) return this.runBatch(job, devices, withFiles, true);
      if (err instanceof ChildEnded) return this.afterCrash(job, devices, on.device, err);
      throw err;
    } finally {
      watchdog.stop();
      this.release(child);
    }
    if ('missing' in reply) return this.runBatch(job, devices, reply.missing);
    return reply.results.map((r) => ('error' in r ? deserializeError(r) : r));
  }

  /** The process was killed (time) or died (heap, crash): the device it was on fails, the others render again. */
  private async afterCrash(job: RenderJob, devices: RenderTarget[], at: number, ended: ChildEnded): Promise<(RenderedConfig | NetsyncError)[]> {
    const budget = ended.how;
    if (at < 0 || at >= devices.length) {
      const reason =
        budget === 'time'
          ? `took longer than ${PARSE_BUDGETS * this.budget.timeoutMs} ms`
          : budget === 'memory'
            ? `ran out of its ${this.budget.memoryMb} MB heap (${ended.message})`
            : `failed: ${ended.message}`;
      return devices.map(
        (d) =>
          new NetsyncError(
            budget === 'crash' ? 'RENDER_FAILED' : 'RENDER_BUDGET_EXCEEDED',
            `${d.hostname}: reading settings ${job.settings.sha.slice(0, 10)} and templates ${job.templates.sha.slice(0, 10)} ${reason}`,
            {
              hostname: d.hostname,
              budget,
            },
          ),
      );
    }
    const device = devices[at]!;
    const template = job.templateOf(device);
    const failed =
      budget === 'crash'
        ? new NetsyncError('RENDER_FAILED', `${device.hostname}: ${template}: ${ended.message}`, {
            hostname: device.hostname,
            template,
            reason: 'process_ended',
          })
        : new NetsyncError(
            'RENDER_BUDGET_EXCEEDED',
            `${device.hostname}: ${template} ${budget === 'time' ? `took longer than the ${this.budget.timeoutMs} ms render budget` : `went over the ${this.budget.memoryMb} MB render memory cap`}; the render was stopped`,
            { hostname: device.hostname, template, budget },
          );
    const rest = devices.filter((_, i) => i !== at);
    const again = rest.length > 0 ? await this.runBatch(job, rest, []) : [];
    return [...again.slice(0, at), failed, ...again.slice(at)];
  }
}

/** Kills a task's process once the device it is on has run past the budget (parsing gets PARSE_BUDGETS budgets). */
class Watchdog {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly on: { device: number; since: number },
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
    // The process is still starting: the budget starts once it is handed the task.
    if (this.on.device === WAITING) return this.schedule(this.budgetMs);
    const allowed = this.on.device === PARSING || this.on.device === STARTING ? PARSE_BUDGETS * this.budgetMs : this.budgetMs;
    const left = this.on.since + allowed - Date.now();
    if (left <= 0) {
      this.timer = undefined;
      this.onOver();
    } else this.schedule(left);
  }
}

const shared = new Map<string, { pool: RenderPool; users: number }>();

/**
 * A pool shared by every renderer of this process with the same budget (tests and the CLI build several
 * renderers; starting processes is the expensive part). `close()` of the returned executor releases it; the
 * processes end when the last user has released it.
 */
export function sharedRenderPool(
  budget: RenderBudget,
  processes?: number,
): Pick<RenderPool, 'renderMany' | 'parseSettings' | 'parseTemplates' | 'differ'> & { close(): Promise<void> } {
  const key = JSON.stringify({ budget, processes });
  let entry = shared.get(key);
  if (!entry) shared.set(key, (entry = { pool: new RenderPool(budget, processes), users: 0 }));
  entry.users++;
  const pool = entry.pool;
  let released = false;
  return {
    renderMany: (job) => pool.renderMany(job),
    parseSettings: (sha, files, limits) => pool.parseSettings(sha, files, limits),
    parseTemplates: (sha, files, limits) => pool.parseTemplates(sha, files, limits),
    differ: pool.differ,
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
