/**
 * One render process, as the pool (workerPool.ts) sees it: forked with an empty environment, a heap cap
 * (`--max-old-space-size`) and no inherited flags, one task at a time, progress reports per device, and
 * `kill()` for a render over its time budget. A process that dies (killed, out of heap, a V8 fatal size
 * error) takes only itself down: its task rejects with `ChildEnded`, saying how it ended.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KEEP_COMMITS, STARTING } from '../render/renderBatch.ts';
import { commitKey } from '../render/workerProtocol.ts';
import type { DiffReply, ParseReply, ProcessMessage, RenderBatchReply, TaskMessage } from '../render/workerProtocol.ts';

/** How much of a dead process's stderr is kept to tell how it ended (V8 prints its fatal error there). */
const STDERR_TAIL = 4096;
/** What V8 prints when a process dies of its heap cap or of a size limit (an array or string too long). */
const OUT_OF_MEMORY = /heap limit|out of memory|allocation failed|invalid size error|invalid array length|invalid string length/i;

/** A task's process ended before it answered. */
export class ChildEnded extends Error {
  constructor(
    /** `time`: killed at the time budget; `memory`: out of heap (or over a V8 size limit); `crash`: anything else. */
    readonly how: 'time' | 'memory' | 'crash',
    message: string,
  ) {
    super(message);
  }
}

function entry(): { file: string; execArgv: string[] } {
  const self = fileURLToPath(import.meta.url);
  // From TypeScript sources a CommonJS entry registers tsx's require hook first; compiled JS forks the entry directly.
  return extname(self) === '.ts'
    ? { file: fileURLToPath(new URL('./renderProcessTs.cjs', import.meta.url)), execArgv: [] }
    : { file: fileURLToPath(new URL('./renderProcess.js', import.meta.url)), execArgv: [] };
}

export class RenderChild {
  private readonly proc: ChildProcess;
  private readonly started: Promise<void>;
  private stderr = '';
  private killedForTime = false;
  private ended: ChildEnded | undefined;
  private current:
    | { resolve: (r: RenderBatchReply | ParseReply | DiffReply) => void; reject: (e: ChildEnded) => void; progress: (device: number, at: number) => void }
    | undefined;
  /** Commit keys this process has parsed, oldest first, mirroring its cache (renderBatch.ts keeps KEEP_COMMITS). */
  private readonly known = { settings: [] as string[], templates: [] as string[] };

  constructor(memoryMb: number) {
    const { file, execArgv } = entry();
    this.proc = fork(file, [], {
      // Nothing of the daemon's environment: no tokens, logins or webhook secrets (a render's secrets come per task).
      env: {},
      execArgv: [...execArgv, `--max-old-space-size=${memoryMb}`],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    this.proc.stderr!.setEncoding('utf8');
    this.proc.stderr!.on('data', (chunk: string) => (this.stderr = (this.stderr + chunk).slice(-STDERR_TAIL)));
    (this.proc.stderr as unknown as { unref?: () => void }).unref?.();
    let ready: () => void;
    this.started = new Promise<void>((resolve) => (ready = resolve));
    this.proc.on('message', (m: ProcessMessage) => {
      if ('ready' in m) ready();
      else if ('progress' in m) this.current?.progress(m.progress[0], m.progress[1]);
      else {
        const current = this.current;
        this.current = undefined;
        current?.resolve(m.reply);
      }
    });
    this.proc.on('error', (err) => this.end(new ChildEnded('crash', `the render process failed: ${err.message}`)));
    // 'close', not 'exit': it comes once stderr and the IPC channel are drained, so the last progress report
    // (which device it was on) and V8's fatal error message have arrived.
    this.proc.on('close', (code, signal) => this.end(this.endedBy(code, signal)));
    this.started.catch(() => undefined);
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  get alive(): boolean {
    return this.ended === undefined;
  }

  /** Whether this process has parsed the commit (so the task need not carry its files). */
  knows(repo: 'settings' | 'templates', key: string): boolean {
    return this.known[repo].includes(key);
  }

  /** Sends one task (render a batch, or parse a commit) and resolves its reply. */
  async run(message: TaskMessage, progress: (device: number, at: number) => void): Promise<RenderBatchReply | ParseReply | DiffReply> {
    await Promise.race([this.started, this.endedPromise()]);
    if (this.ended) throw this.ended;
    const reply = await new Promise<RenderBatchReply | ParseReply | DiffReply>((resolve, reject) => {
      this.current = { resolve, reject, progress };
      this.ref(true);
      this.proc.send(message, (err) => {
        if (err) this.end(new ChildEnded('crash', `the render process could not be given its task: ${err.message}`));
        // The budget runs from here, not from the process's start (loading it is not the template's time).
        else progress(STARTING, Date.now());
      });
    }).finally(() => this.ref(false));
    if ('parse' in message) {
      this.remember(message.parse.repo, commitKey(message.parse.sha, message.parse.limits));
      return reply;
    }
    if ('diff' in message) return reply;
    const { task } = message;
    for (const repo of ['settings', 'templates'] as const) {
      const key = commitKey(task[repo].sha, task.limits);
      if (task[repo].files && 'results' in reply) this.remember(repo, key);
      if ('missing' in reply && reply.missing.includes(repo)) this.known[repo] = this.known[repo].filter((k) => k !== key);
    }
    return reply;
  }

  /** Stops the process now (a render over its time budget: a synchronous loop stops no other way). */
  killForTime(): void {
    this.killedForTime = true;
    this.proc.kill('SIGKILL');
  }

  /** Ends an idle process (pool closed, idle too long). */
  async stop(): Promise<void> {
    if (!this.alive) return;
    const exited = this.endedPromise();
    this.ref(true); // wait for its exit even where nothing else keeps this process running
    this.proc.kill('SIGKILL');
    await exited;
  }

  /** When this process last parsed a commit of `repo` (its parse of the next commit reuses unchanged files). */
  lastParsed(repo: 'settings' | 'templates'): number {
    return this.parsedAt[repo];
  }

  private readonly parsedAt = { settings: 0, templates: 0 };

  private remember(repo: 'settings' | 'templates', key: string): void {
    this.parsedAt[repo] = Date.now();
    const list = this.known[repo].filter((k) => k !== key);
    list.push(key);
    this.known[repo] = list.slice(-KEEP_COMMITS);
  }

  private endedBy(code: number | null, signal: NodeJS.Signals | null): ChildEnded {
    if (this.killedForTime) return new ChildEnded('time', 'stopped at the time budget');
    const how = signal ? `signal ${signal}` : `exit code ${code}`;
    const fatal = this.stderr
      .split('\n')
      .find((l) => OUT_OF_MEMORY.test(l))
      ?.trim();
    if (fatal) return new ChildEnded('memory', `the render process ran out of memory (${how}): ${fatal.replace(/^#\s*/, '')}`);
    const last = this.stderr.trim().split('\n').slice(-1)[0];
    return new ChildEnded('crash', `the render process ended (${how})${last ? `: ${last}` : ''}`);
  }

  private readonly endWaiters: (() => void)[] = [];

  private endedPromise(): Promise<void> {
    return this.ended ? Promise.resolve() : new Promise((resolve) => this.endWaiters.push(resolve));
  }

  private end(reason: ChildEnded): void {
    if (this.ended) return;
    this.ended = reason;
    const current = this.current;
    this.current = undefined;
    current?.reject(reason);
    this.endWaiters.splice(0).forEach((w) => w());
  }

  /** A busy process keeps the daemon's event loop alive; an idle one does not (the CLI exits when done). */
  private ref(busy: boolean): void {
    if (busy) {
      this.proc.ref();
      this.proc.channel?.ref();
    } else {
      this.proc.unref();
      this.proc.channel?.unref();
    }
  }
}
