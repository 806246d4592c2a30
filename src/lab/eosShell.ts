/**
 * The EOS-like command interpreter of one SSH channel (shell or exec): exec
 * mode, `configure` (direct) and `configure session NAME` modes, show commands.
 * Each input line is one command; its output and the next prompt are returned.
 */
import { createTwoFilesPatch } from 'diff';
import { applyCliLine, configToCli, normalizeInterface, shortInterface, type CliMode } from '../deviceconfig/cliConfig.ts';
import { cloneConfig } from '../deviceconfig/configModel.ts';
import type { ConnectionHandle, DeviceCore } from './deviceCore.ts';
import type { EosConfigSession, EosSessions } from './eosSessions.ts';

export const EOS_VERSION = '4.31.0F-netsync-lab';

export interface CommandResult {
  output: string;
  error: boolean;
  /** The channel should close (exit/quit in exec mode, or the connection was dropped). */
  close: boolean;
}

const ok = (output = ''): CommandResult => ({ output, error: false, close: false });
const fail = (output: string): CommandResult => ({ output, error: true, close: false });
const invalid = (line: string) => fail(`% Invalid input (at token 0: '${line.trim().split(/\s+/)[0] ?? ''}')`);

export class EosShell {
  private mode: 'exec' | 'config' | 'session' = 'exec';
  private sub: CliMode = { kind: 'top' };
  private session: EosConfigSession | null = null;
  private readonly startedAt = Date.now();

  constructor(
    private readonly device: DeviceCore,
    private readonly sessions: EosSessions,
    private readonly conn: ConnectionHandle,
  ) {}

  prompt(): string {
    const host = this.device.shownHostname();
    if (this.mode === 'exec') return `${host}#`;
    const base = this.mode === 'session' ? `config-s-${this.session?.name ?? ''}` : 'config';
    const sub = this.sub.kind === 'interface' ? `-if-${shortInterface(this.sub.name)}` : this.sub.kind === 'vlan' ? `-vl${this.sub.id}` : '';
    return `${host}(${base}${sub})#`;
  }

  /** Runs one command line; never throws (an unexpected failure is reported like a device would). */
  async run(line: string): Promise<CommandResult> {
    try {
      return await this.runCommand(line);
    } catch (err) {
      return fail(`% Internal error: ${(err as Error).message}`);
    }
  }

  private async runCommand(line: string): Promise<CommandResult> {
    const l = line.trim();
    if (!l || l.startsWith('!')) return ok();
    this.device.counters.rpcs++;
    await this.device.delay(l);
    // The client is gone: a request held (or delayed) until then is lost with its connection, never run.
    if (this.conn.closed) return fail('% connection closed');
    const tokens = l.split(/\s+/);
    if (tokens[0] === 'show') return this.show(l);
    if (l === 'exit' || l === 'quit' || l === 'logout') return this.exit(l !== 'exit');
    if (l === 'end') {
      this.toExec();
      return ok();
    }
    if (l === 'enable' || /^terminal (length|width) \d+$/.test(l) || l === 'no terminal pager') return ok();
    if (this.mode === 'exec') return this.execCommand(tokens, l);
    if (this.mode === 'session') return this.sessionCommand(tokens, l);
    return this.configLine(l);
  }

  private exit(always: boolean): CommandResult {
    if (always || this.mode === 'exec') return { output: '', error: false, close: true };
    if (this.sub.kind !== 'top') this.sub = { kind: 'top' };
    else this.toExec();
    return ok();
  }

  private toExec(): void {
    this.mode = 'exec';
    this.sub = { kind: 'top' };
    this.session = null;
  }

  private execCommand(tokens: string[], l: string): CommandResult {
    if (tokens[0] === 'configure' && tokens[1] === 'session') {
      const name = tokens[2];
      if (!name || !/^[A-Za-z0-9_.-]{1,64}$/.test(name) || tokens.length > 4) return invalid(l);
      if (tokens[3] === 'commit') return this.outcome(this.sessions.confirm(name));
      if (tokens[3] === 'abort') return this.outcome(this.sessions.abort(name));
      if (tokens[3] !== undefined) return invalid(l);
      const r = this.sessions.enter(name, this.conn.id, this.conn.username);
      if (!r.ok) return fail(r.error);
      this.mode = 'session';
      this.session = r.session;
      this.sub = { kind: 'top' };
      return ok();
    }
    if (l === 'configure' || l === 'configure terminal') {
      this.mode = 'config';
      this.sub = { kind: 'top' };
      return ok();
    }
    if (l === 'write memory' || l === 'copy running-config startup-config') return ok('Copy completed successfully.');
    return invalid(l);
  }

  private sessionCommand(tokens: string[], l: string): CommandResult {
    const s = this.session;
    if (!s || this.sessions.get(s.name) !== s) {
      this.toExec();
      return fail(`% Session ${s?.name ?? ''} no longer exists (committed, aborted or reverted elsewhere)`);
    }
    if (l === 'rollback clean-config') {
      s.config = { interfaces: new Map(), vlans: new Map() };
      this.sub = { kind: 'top' };
      return ok();
    }
    if (l === 'abort') {
      this.sessions.abort(s.name);
      this.toExec();
      return ok();
    }
    if (tokens[0] === 'commit') {
      let seconds: number | null = null;
      if (tokens.length > 1) {
        const m = tokens[1] === 'timer' && tokens.length === 3 ? /^(\d{1,2}):([0-5]\d):([0-5]\d)$/.exec(tokens[2]!) : null;
        if (!m) return invalid(`${tokens[0]} ${tokens[1]}`);
        seconds = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
        if (seconds === 0) return fail('% Commit timer must be at least 00:00:01');
      }
      const r = this.sessions.commit(s, seconds);
      if (!r.ok) return fail(r.error);
      this.toExec();
      if (seconds !== null && this.device.faults.dropAfter === 'confirmed-commit') return this.drop();
      return ok();
    }
    const r = applyCliLine(s.config, this.sub, l);
    if (!r.ok) return fail(r.error);
    this.sub = r.mode;
    if (this.device.faults.dropAfter === 'write') return this.drop();
    return ok();
  }

  /** `configure` without a session: each line changes running at once. */
  private configLine(l: string): CommandResult {
    const next = cloneConfig(this.device.getRunning());
    const r = applyCliLine(next, this.sub, l);
    if (!r.ok) return fail(r.error);
    this.sub = r.mode;
    this.device.setRunning(next);
    return ok();
  }

  private show(l: string): CommandResult {
    const json = /\|\s*json$/.test(l);
    const cmd = l
      .replace(/\|\s*json$/, '')
      .trim()
      .split(/\s+/)
      .join(' ');
    const host = this.device.shownHostname();
    const intf = /^show interfaces? (.+)$/.exec(cmd);
    if (intf && !json) return this.showInterface(intf[1]!);
    switch (cmd) {
      case 'show hostname':
        return ok(json ? JSON.stringify({ hostname: host, fqdn: host }) : `Hostname: ${host}\nFQDN:     ${host}`);
      case 'show version': {
        const v = {
          modelName: 'vEOS-lab',
          version: EOS_VERSION,
          serialNumber: `LAB-${this.device.hostname}`,
          architecture: 'x86_64',
          uptime: (Date.now() - this.startedAt) / 1000,
        };
        if (json) return ok(JSON.stringify(v));
        return ok(
          `Arista ${v.modelName}\nHardware version:\nSerial number: ${v.serialNumber}\n\nSoftware image version: ${v.version}\nArchitecture: ${v.architecture}`,
        );
      }
      case 'show running-config':
        return ok(configToCli(this.device.shownRunning()).trimEnd());
      case 'show configuration sessions':
      case 'show configuration sessions detail':
        return ok(this.sessionTable());
      case 'show session-config':
      case 'show session-config diffs': {
        const s = this.session;
        if (this.mode !== 'session' || !s) return fail('% Not in a configuration session');
        if (cmd === 'show session-config') return ok(configToCli(s.config).trimEnd());
        const before = configToCli(this.device.getRunning());
        const after = configToCli(s.config);
        const diff =
          before === after
            ? ''
            : createTwoFilesPatch('system:/running-config', `session:/${s.name}-session-config`, before, after, '', '', { context: 3 })
                .replace(/^=+\n/, '')
                .trimEnd();
        if (this.device.faults.dropAfter === 'validate') return this.drop();
        return ok(diff);
      }
      default:
        return invalid(l.split(/\s+/).slice(1).join(' ') || l);
    }
  }

  /** `show interfaces X`: admin state from running config, and the flap counter tests look for. */
  private showInterface(raw: string): CommandResult {
    const name = normalizeInterface(raw);
    const intf = name === null ? undefined : this.device.getRunning().interfaces.get(name);
    if (!name || !intf) return fail(`% Interface ${name ?? raw} does not exist`);
    const up = intf.enabled !== false;
    return ok(
      [
        up ? `${name} is up, line protocol is up (connected)` : `${name} is administratively down, line protocol is down (disabled)`,
        '  Hardware is Ethernet, address is 001c.7300.0001 (bia 001c.7300.0001)',
        ...(intf.description !== undefined ? [`  Description: ${intf.description}`] : []),
        '  Ethernet MTU 9214 bytes, BW 1000000 kbit',
        '  Full-duplex, 1Gb/s, auto negotiation: off, uplink: off',
        `  ${this.device.linkStatusChanges(name)} link status changes since last clear`,
      ].join('\n'),
    );
  }

  private sessionTable(): string {
    const rows = this.sessions.list().map((s) => {
      const mark = s === this.session ? '*' : ' ';
      return `${mark}  ${s.name.padEnd(20)} ${s.state.padEnd(22)} ${s.user.padEnd(10)} vty${s.owner}`;
    });
    return [
      'Maximum number of completed sessions: 1',
      'Maximum number of pending sessions: 5',
      '',
      `   ${'Name'.padEnd(20)} ${'State'.padEnd(22)} ${'User'.padEnd(10)} Terminal`,
      `   ${'-'.repeat(20)} ${'-'.repeat(22)} ${'-'.repeat(10)} --------`,
      ...rows,
    ].join('\n');
  }

  private outcome(r: { ok: true } | { ok: false; error: string }): CommandResult {
    return r.ok ? ok() : fail(r.error);
  }

  private drop(): CommandResult {
    this.conn.drop();
    return { output: '', error: false, close: true };
  }
}
