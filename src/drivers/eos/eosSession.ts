/**
 * DeviceSession over the EOS CLI (docs/design/architecture.md §7): the candidate is a named config
 * session (`configure session NAME`), replaced from scratch with
 * `rollback clean-config`; `commit timer hh:mm:ss` is the confirmed commit and
 * the session name is the persist-id, so another connection can confirm
 * (`commit`) or cancel (`abort`) it. Bad lines are refused while loading.
 */
import type { DeviceFacts, DeviceSession, LoadMode, SessionCapabilities } from '../../commit/session.ts';
import { NetsyncError } from '../../model/errors.ts';
import { adminDown, leftDown, notInRunning } from '../bounceErrors.ts';
import { cliNotApplied } from './appliedCheck.ts';
import type { CliOutput, CliShell } from './cliShell.ts';

export interface EosSessionOptions {
  hostname: string;
  platform: string;
  canonicalize?: (text: string) => string;
  onClose?: () => void;
}

export interface PendingConfigSession {
  name: string;
  state: string;
}

/** Rows of `show configuration sessions` whose state is pending (uncommitted or waiting for confirmation). */
export function parseConfigSessions(text: string): PendingConfigSession[] {
  const out: PendingConfigSession[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*\*?\s*([\w.-]+)\s+(pending-commit-timer|pendingCommitTimer|pending|completed|aborted)(?![\w-])/i.exec(line);
    if (m && m[1] !== 'Name') out.push({ name: m[1]!, state: m[2]! });
  }
  return out;
}

export function formatTimer(seconds: number): string {
  const s = Math.max(1, Math.round(seconds));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

/**
 * The sub-command lines of `interface NAME` in running-config text, and the name as the device spells it;
 * undefined when the interface is not configured.
 */
export function interfaceBlock(running: string, name: string): { name: string; lines: string[] } | undefined {
  const lines = running.replace(/\r/g, '').split('\n');
  const start = lines.findIndex((l) => /^interface\s/.test(l) && l.slice('interface'.length).trim().toLowerCase() === name.trim().toLowerCase());
  if (start < 0) return undefined;
  const block: string[] = [];
  for (const l of lines.slice(start + 1)) {
    if (!/^\s/.test(l)) break;
    block.push(l.trim());
  }
  return { name: lines[start]!.slice('interface'.length).trim(), lines: block };
}

export class EosSession implements DeviceSession {
  readonly hostname: string;
  readonly capabilities: SessionCapabilities = { candidate: true, validate: true, confirmedCommit: true, persist: true, rollbackOnError: false };
  private sessionName = `netsync-${Date.now().toString(36)}`;

  constructor(
    private readonly shell: CliShell,
    private readonly opts: EosSessionOptions,
  ) {
    this.hostname = opts.hostname;
  }

  useSessionName(name: string): void {
    this.sessionName = name.replace(/[^\w.-]/g, '-');
  }

  /** Run a command and turn `%` lines into an error naming the command. */
  private async run(command: string, what = command): Promise<CliOutput> {
    const out = await this.shell.run(command);
    if (out.errors.length) {
      if (out.errors.some((e) => /session is already in use/i.test(e))) throw this.sessionInUse(this.sessionName);
      throw new NetsyncError('CLI_COMMAND_REJECTED', `${this.hostname}: ${what} refused: ${out.errors.join(' ')}`, {
        hostname: this.hostname,
        command: what,
        errors: out.errors,
      });
    }
    return out;
  }

  private sessionInUse(name: string): NetsyncError {
    return new NetsyncError(
      'EOS_SESSION_LOCKED',
      `${this.hostname}: configuration session '${name}' is pending on the device; inspect it with 'show configuration sessions' and clear it with 'configure session ${name}' then 'abort', then retry`,
      { hostname: this.hostname, session: name },
    );
  }

  /** Back to exec mode (`end` leaves a config session pending, uncommitted). */
  private async toExec(): Promise<void> {
    if (/\(config/.test(this.shell.prompt)) await this.shell.run('end');
  }

  /** Enter our config session, run the commands, and leave it (still pending unless a command committed it). */
  private async inSession(commands: string[]): Promise<CliOutput[]> {
    const outs: CliOutput[] = [];
    await this.toExec();
    await this.run(`configure session ${this.sessionName}`);
    try {
      for (const c of commands) outs.push(await this.run(c));
    } finally {
      await this.toExec().catch(() => undefined);
    }
    return outs;
  }

  async facts(): Promise<DeviceFacts> {
    const host = await this.run('show hostname');
    const version = await this.shell.run('show version');
    const hostname = /Hostname:\s*(\S+)/.exec(host.text)?.[1] ?? host.text.trim().split(/\s+/)[0] ?? '';
    return { hostname, platform: this.opts.platform, version: /Software image version:\s*(\S+)/i.exec(version.text)?.[1] ?? 'unknown' };
  }

  async getRunningConfig(): Promise<string> {
    const out = await this.run('show running-config');
    return this.opts.canonicalize ? this.opts.canonicalize(out.text) : out.text;
  }

  /** No device-wide lock on EOS; a pending session of someone else is the conflict to report. */
  async lock(): Promise<void> {
    const out = await this.run('show configuration sessions');
    const foreign = parseConfigSessions(out.text).find((s) => /^pending/i.test(s.state) && s.name !== this.sessionName);
    if (foreign) throw this.sessionInUse(foreign.name);
  }

  async unlock(): Promise<void> {}

  async loadCandidate(config: string, mode: LoadMode): Promise<void> {
    const lines = config
      .replace(/\r/g, '')
      .split('\n')
      .filter((l) => l.trim() && !/^\s*!/.test(l) && l.trim() !== 'end');
    if (lines.length === 0) throw new NetsyncError('BAD_REQUEST', `${this.hostname}: the configuration to load is empty`, { hostname: this.hostname });
    await this.inSession([...(mode === 'replace' ? ['rollback clean-config'] : []), ...lines]);
  }

  async diff(): Promise<string> {
    const [out] = await this.inSession(['show session-config diffs']);
    return out!.text.trim() ? out!.text : '';
  }

  /** EOS checks each line as it is loaded; validating is reading the session back (`show session-config diffs`) without error. */
  async validate(): Promise<void> {
    await this.inSession(['show session-config diffs']);
  }

  async commitConfirmed(timeoutSeconds: number, _persistId: string): Promise<void> {
    await this.inSession([`commit timer ${formatTimer(timeoutSeconds)}`]);
  }

  /** `configure session NAME commit|abort` works on a pending session and on one with a commit timer running. */
  private async finish(action: 'commit' | 'abort'): Promise<void> {
    await this.toExec();
    await this.run(`configure session ${this.sessionName} ${action}`);
  }

  confirm(_persistId: string): Promise<void> {
    return this.finish('commit');
  }

  commit(): Promise<void> {
    return this.finish('commit');
  }

  cancelCommit(_persistId: string): Promise<void> {
    return this.finish('abort');
  }

  async abortSession(name: string): Promise<void> {
    await this.toExec();
    await this.run(`configure session ${name.replace(/[^\w.-]/g, '-')} abort`);
  }

  /** Nothing to throw away when the session was never opened (the load failed before it) or is gone already. */
  async discard(): Promise<void> {
    try {
      await this.finish('abort');
    } catch (err) {
      if (err instanceof NetsyncError && err.code === 'CLI_COMMAND_REJECTED' && /does not exist/i.test(String(err.data.errors))) return;
      throw err;
    }
  }

  notApplied(sent: string, mode: LoadMode, running: string): string | undefined {
    return cliNotApplied(sent, running, mode, this.opts.canonicalize);
  }

  /**
   * Direct `configure` mode, not a config session: shut and no shut commit line by line, and a
   * session would have to replace the whole config for a change we undo at once.
   */
  async bounceInterface(name: string): Promise<void> {
    const block = interfaceBlock((await this.run('show running-config')).text, name);
    if (!block) throw notInRunning(this.hostname, name);
    if (block.lines.includes('shutdown')) throw adminDown(this.hostname, block.name);
    await this.toExec();
    await this.run('configure');
    let down = false;
    try {
      await this.run(`interface ${block.name}`);
      await this.run('shutdown');
      down = true;
      await this.run('no shutdown');
      down = false;
    } catch (err) {
      throw down ? leftDown(this.hostname, block.name, err) : err;
    } finally {
      await this.toExec().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    try {
      this.shell.close();
    } finally {
      this.opts.onClose?.();
    }
  }
}
