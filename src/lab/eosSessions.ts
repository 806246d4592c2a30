/**
 * Device-wide EOS configuration sessions: named candidates that outlive the SSH
 * connection that opened them (as on EOS), the commit timer with its rollback
 * point, and the "session is already in use" rule for other users' pending sessions.
 */
import { cloneConfig, danglingVlans, type LabConfig } from '../deviceconfig/configModel.ts';
import type { DeviceCore } from './deviceCore.ts';

export interface EosConfigSession {
  name: string;
  /** Connection id (terminal vtyN) that last entered the session. */
  owner: number;
  user: string;
  config: LabConfig;
  state: 'pending' | 'pending-commit-timer';
  rollback?: LabConfig;
  timer?: NodeJS.Timeout;
}

/** A phantom foreign session stands in for "lock held by another session" (the lockHeld fault). */
export const HELD_SESSION = 'netsync-lab-held';

export type Outcome = { ok: true } | { ok: false; error: string };

export class EosSessions {
  private readonly sessions = new Map<string, EosConfigSession>();

  constructor(private readonly device: DeviceCore) {}

  list(): EosConfigSession[] {
    const out = [...this.sessions.values()];
    if (this.device.faults.lockHeld) {
      out.unshift({ name: HELD_SESSION, owner: 0, user: 'admin', config: this.device.getRunning(), state: 'pending' });
    }
    return out;
  }

  get(name: string): EosConfigSession | undefined {
    return this.sessions.get(name);
  }

  /** `configure session NAME`: enter an existing session or open a new one. */
  enter(name: string, conn: number, user: string): { ok: true; session: EosConfigSession } | { ok: false; error: string } {
    const existing = this.sessions.get(name);
    if (existing?.state === 'pending-commit-timer') {
      return {
        ok: false,
        error: `% Session ${name} has a commit timer running: confirm it with 'configure session ${name} commit' or revert it with 'configure session ${name} abort'`,
      };
    }
    if (existing) {
      existing.owner = conn;
      existing.user = user;
      return { ok: true, session: existing };
    }
    const foreign = this.list().find((s) => s.owner !== conn);
    if (foreign) {
      return {
        ok: false,
        error: `% Session is already in use: configuration session '${foreign.name}' of user ${foreign.user} is ${foreign.state}; commit or abort it first`,
      };
    }
    const session: EosConfigSession = { name, owner: conn, user, config: cloneConfig(this.device.getRunning()), state: 'pending' };
    this.sessions.set(name, session);
    return { ok: true, session };
  }

  /** Why committing session `s` fails: the validationError fault, an access vlan that is not configured, the commitError fault. */
  private commitFault(s: EosConfigSession): Outcome | null {
    const f = this.device.faults;
    if (f.validationError !== null) return { ok: false, error: `% Failed to commit session ${s.name}: validation failed: ${f.validationError}` };
    const [dangling] = danglingVlans(s.config);
    if (dangling) {
      return {
        ok: false,
        error: `% Failed to commit session ${s.name}: validation failed: interface ${dangling.interface}: access vlan ${dangling.vlan} is not configured (add 'vlan ${dangling.vlan}')`,
      };
    }
    if (f.commitError !== null) return { ok: false, error: `% Failed to commit session ${s.name}: ${f.commitError}` };
    return null;
  }

  /** `commit` (timerSeconds null) or `commit timer hh:mm:ss`. */
  commit(s: EosConfigSession, timerSeconds: number | null): Outcome {
    const fault = this.commitFault(s);
    if (fault) return fault;
    // Said ok, did nothing: the session stays pending and uncommitted, running as it was.
    if (this.device.faults.commitIgnored) return { ok: true };
    const rollback = cloneConfig(this.device.getRunning());
    this.device.setRunning(cloneConfig(s.config));
    this.device.counters.commits++;
    if (timerSeconds === null) {
      this.sessions.delete(s.name);
      return { ok: true };
    }
    s.state = 'pending-commit-timer';
    this.device.counters.lastConfirmTimeoutSeconds = timerSeconds;
    s.rollback = rollback;
    s.timer = setTimeout(() => this.revert(s), timerSeconds * 1000);
    s.timer.unref();
    return { ok: true };
  }

  /** `configure session NAME commit`: confirms a commit timer, or commits a pending session. */
  confirm(name: string): Outcome {
    const s = this.sessions.get(name);
    if (!s) return { ok: false, error: `% Session ${name} does not exist` };
    if (s.state === 'pending') return this.commit(s, null);
    clearTimeout(s.timer);
    this.sessions.delete(name);
    this.device.counters.commits++;
    return { ok: true };
  }

  /** `abort` / `configure session NAME abort`: drops the session; a running commit timer reverts now. */
  abort(name: string): Outcome {
    const s = this.sessions.get(name);
    if (!s) return { ok: false, error: `% Session ${name} does not exist` };
    if (s.state === 'pending-commit-timer') this.revert(s);
    else this.sessions.delete(name);
    return { ok: true };
  }

  private revert(s: EosConfigSession): void {
    clearTimeout(s.timer);
    this.sessions.delete(s.name);
    if (s.rollback) this.device.setRunning(s.rollback);
  }

  /** Lab shutdown is a reboot: a commit still waiting for its timer to be confirmed is rolled back. */
  stop(): void {
    for (const s of [...this.sessions.values()]) {
      if (s.state === 'pending-commit-timer') this.revert(s);
    }
  }
}
