/**
 * A prompt-driven CLI over an SSH interactive shell: send one command, read
 * until the next prompt, return what the device printed in between. Lines
 * starting with `%` are the device refusing the command (EOS style).
 */
import type { Client, ClientChannel } from 'ssh2';
import { NetsyncError } from '../../model/errors.ts';

/** `host>`, `host#`, `host(config)#`, `host(config-s-name)#` at the end of the output. */
const PROMPT = /(?:^|\r?\n)([A-Za-z0-9][\w.-]*)(\([^)\r\n]*\))?([>#]) ?$/;

export interface CliShellOptions {
  hostname: string;
  timeoutMs?: number;
  promptTimeoutMs?: number;
  maxOutputBytes?: number;
}

export interface CliOutput {
  text: string;
  /** The `% ...` lines, if any. */
  errors: string[];
  prompt: string;
}

export class CliShell {
  private buffer = '';
  private waiter: { resolve: (prompt: RegExpExecArray) => void; reject: (err: Error) => void; timer: NodeJS.Timeout } | undefined;
  private closed: NetsyncError | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  prompt = '';

  private constructor(
    private readonly channel: ClientChannel,
    private readonly opts: Required<CliShellOptions>,
  ) {
    channel.on('data', (chunk: Buffer) => this.onData(chunk.toString('utf8')));
    channel.stderr.on('data', (chunk: Buffer) => this.onData(chunk.toString('utf8')));
    channel.on('close', () => this.fail(new NetsyncError('CLI_CLOSED', `${opts.hostname}: the device closed the CLI session`, { hostname: opts.hostname })));
  }

  static async start(client: Client, options: CliShellOptions): Promise<CliShell> {
    const opts = { timeoutMs: 60_000, promptTimeoutMs: 15_000, maxOutputBytes: 16 * 1024 * 1024, ...options };
    const channel = await new Promise<ClientChannel>((resolve, reject) =>
      // No pty: no echo and no line editing, so replies come back whole.
      client.shell(false, (err, ch) =>
        err
          ? reject(new NetsyncError('CLI_CLOSED', `${opts.hostname}: the device refused an interactive shell: ${err.message}`, { hostname: opts.hostname }))
          : resolve(ch),
      ),
    );
    const shell = new CliShell(channel, opts);
    const first = await shell.waitPrompt(opts.promptTimeoutMs, 'login prompt');
    shell.buffer = '';
    if (first[3] === '>') await shell.run('enable');
    await shell.run('terminal length 0').catch(() => undefined);
    return shell;
  }

  private onData(text: string): void {
    this.buffer += text;
    if (this.buffer.length > this.opts.maxOutputBytes) {
      this.fail(
        new NetsyncError('CLI_OUTPUT_TOO_LARGE', `${this.opts.hostname}: command output exceeds ${this.opts.maxOutputBytes} bytes`, {
          hostname: this.opts.hostname,
        }),
      );
      this.channel.close();
      return;
    }
    const m = PROMPT.exec(this.buffer);
    if (m && this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      clearTimeout(w.timer);
      w.resolve(m);
    }
  }

  private fail(err: NetsyncError): void {
    if (this.closed) return;
    this.closed = err;
    const w = this.waiter;
    this.waiter = undefined;
    if (w) {
      clearTimeout(w.timer);
      w.reject(err);
    }
  }

  private waitPrompt(timeoutMs: number, what: string): Promise<RegExpExecArray> {
    if (this.closed) return Promise.reject(this.closed);
    const m = PROMPT.exec(this.buffer);
    if (m) return Promise.resolve(m);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(
          new NetsyncError('CLI_TIMEOUT', `${this.opts.hostname}: no prompt after ${what} within ${timeoutMs} ms`, {
            hostname: this.opts.hostname,
            command: what,
          }),
        );
      }, timeoutMs);
      this.waiter = { resolve, reject, timer };
    });
  }

  /** Run one command; commands are serialized. Rejects only on transport problems, not on `%` errors. */
  run(command: string, timeoutMs = this.opts.timeoutMs): Promise<CliOutput> {
    const next = this.queue.then(() => this.exec(command, timeoutMs));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async exec(command: string, timeoutMs: number): Promise<CliOutput> {
    if (this.closed) throw this.closed;
    this.buffer = '';
    this.channel.write(`${command}\n`);
    const m = await this.waitPrompt(timeoutMs, `'${command}'`);
    let text = this.buffer.slice(0, m.index).replace(/\r/g, '');
    this.buffer = '';
    this.prompt = m[0].trim();
    // Drop the echoed command line.
    const firstNl = text.indexOf('\n');
    if (text.slice(0, firstNl < 0 ? undefined : firstNl).trim() === command.trim()) text = firstNl < 0 ? '' : text.slice(firstNl + 1);
    const errors = text
      .split('\n')
      .filter((l) => l.trimStart().startsWith('%'))
      .map((l) => l.trim());
    return { text, errors, prompt: this.prompt };
  }

  close(): void {
    this.fail(new NetsyncError('CLI_CLOSED', `${this.opts.hostname}: session closed`, { hostname: this.opts.hostname }));
    this.channel.end();
  }
}
