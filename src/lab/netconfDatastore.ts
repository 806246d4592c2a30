/**
 * Device-wide NETCONF state (RFC 6241): the shared candidate, the locks, and the
 * pending confirmed commit (§8.4) with its timer, persist-id and rollback point.
 */
import { cloneConfig, danglingVlans, type LabConfig } from '../deviceconfig/configModel.ts';
import type { DeviceCore } from './deviceCore.ts';
import { RpcError } from '../deviceconfig/netconfError.ts';

export type Datastore = 'running' | 'candidate';

interface PendingCommit {
  rollback: LabConfig;
  sessionId: number;
  persistId: string | null;
  timer: NodeJS.Timeout;
}

export interface CommitRequest {
  confirmed: boolean;
  timeoutSeconds: number;
  persist: string | null;
  persistId: string | null;
}

export class NetconfDatastore {
  candidate: LabConfig;
  candidateDirty = false;
  private locks: Record<Datastore, number | null> = { running: null, candidate: null };
  private pending: PendingCommit | null = null;
  /** Session id shown as the holder while the lockHeld fault is on. */
  readonly phantomSessionId: number;
  /** Open sessions by id, so kill-session can reach them. */
  readonly sessions = new Map<number, { terminate(): void }>();

  constructor(private readonly device: DeviceCore) {
    this.candidate = cloneConfig(device.getRunning());
    this.phantomSessionId = device.allocateId();
  }

  holder(ds: Datastore): number | null {
    if (this.device.faults.lockHeld) return this.phantomSessionId;
    return this.locks[ds];
  }

  private assertNotLockedByOther(ds: Datastore, sid: number): void {
    const h = this.holder(ds);
    if (h !== null && h !== sid) {
      throw new RpcError('protocol', 'in-use', `the ${ds} datastore is locked by session ${h}`, { info: { 'session-id': String(h) } });
    }
  }

  lock(ds: Datastore, sid: number): void {
    const h = this.holder(ds);
    if (h !== null) {
      throw new RpcError('protocol', 'lock-denied', `lock failed: the ${ds} datastore is already locked by session ${h}`, {
        info: { 'session-id': String(h) },
      });
    }
    if (ds === 'candidate' && this.candidateDirty) {
      throw new RpcError('protocol', 'lock-denied', 'lock failed: the candidate has uncommitted changes; send discard-changes first', {
        info: { 'session-id': '0' },
      });
    }
    this.locks[ds] = sid;
  }

  unlock(ds: Datastore, sid: number): void {
    if (this.locks[ds] !== sid) throw new RpcError('protocol', 'operation-failed', `the ${ds} datastore is not locked by this session`);
    this.locks[ds] = null;
  }

  setCandidate(cfg: LabConfig, sid: number): void {
    this.assertNotLockedByOther('candidate', sid);
    this.candidate = cfg;
    this.candidateDirty = true;
  }

  discard(sid: number): void {
    this.assertNotLockedByOther('candidate', sid);
    this.candidate = cloneConfig(this.device.getRunning());
    this.candidateDirty = false;
  }

  /** Whole-config checks of `cfg` (default: the candidate): the validationError fault, then vlan references (leafref). */
  validate(cfg: LabConfig = this.candidate): void {
    const msg = this.device.faults.validationError;
    if (msg !== null) throw new RpcError('application', 'operation-failed', msg, { appTag: 'validation-failed' });
    const dangling = danglingVlans(cfg);
    if (dangling.length) {
      const first = dangling[0]!;
      const path = `/interfaces/interface[name='${first.interface}']/vlan`;
      const more = dangling.length > 1 ? ` (and ${dangling.length - 1} more interface${dangling.length > 2 ? 's' : ''})` : '';
      throw new RpcError('application', 'data-missing', `${path}: vlan ${first.vlan} is not configured under /vlans${more}`, {
        path,
        appTag: 'instance-required',
      });
    }
  }

  commit(req: CommitRequest, sid: number): void {
    this.assertNotLockedByOther('candidate', sid);
    this.assertNotLockedByOther('running', sid);
    const p = this.pending;
    if (p) {
      if (p.persistId !== null && req.persistId !== p.persistId) {
        throw new RpcError(
          'protocol',
          'invalid-value',
          req.persistId === null
            ? 'a confirmed commit with persist is pending: the confirming commit must give its persist-id'
            : `persist-id '${req.persistId}' does not match the pending confirmed commit`,
        );
      }
      if (p.persistId === null && p.sessionId !== sid) {
        throw new RpcError('protocol', 'in-use', `a confirmed commit of session ${p.sessionId} is pending; only that session can confirm it`, {
          info: { 'session-id': String(p.sessionId) },
        });
      }
    } else if (req.persistId !== null) {
      throw new RpcError('protocol', 'invalid-value', `no confirmed commit with persist-id '${req.persistId}' is pending`);
    }
    this.validate();
    const err = this.device.faults.commitError;
    if (err !== null) throw new RpcError('application', 'operation-failed', err, { appTag: 'commit-failed' });
    // Said ok, did nothing: the candidate keeps its edits, running and the (absent) pending commit stay as they are.
    if (this.device.faults.commitIgnored && !p) return;
    if (p) clearTimeout(p.timer);
    const rollback = p ? p.rollback : cloneConfig(this.device.getRunning());
    this.device.setRunning(cloneConfig(this.candidate));
    this.candidateDirty = false;
    this.pending = null;
    if (req.confirmed) {
      const timer = setTimeout(() => this.revert(), req.timeoutSeconds * 1000);
      timer.unref();
      this.pending = { rollback, sessionId: sid, persistId: req.persist, timer };
    }
    this.device.counters.commits++;
  }

  cancelCommit(persistId: string | null, sid: number): void {
    const p = this.pending;
    if (!p) throw new RpcError('protocol', 'operation-failed', 'no confirmed commit is pending');
    if (p.persistId !== null && persistId !== p.persistId) {
      throw new RpcError(
        'protocol',
        'invalid-value',
        persistId === null ? 'the pending confirmed commit has a persist-id: give it' : `persist-id '${persistId}' does not match`,
      );
    }
    if (p.persistId === null && p.sessionId !== sid) {
      throw new RpcError('protocol', 'in-use', `the pending confirmed commit belongs to session ${p.sessionId}`, {
        info: { 'session-id': String(p.sessionId) },
      });
    }
    this.revert();
  }

  /** Back to the configuration before the first confirmed commit (timeout, cancel, session loss). */
  private revert(): void {
    const p = this.pending;
    if (!p) return;
    clearTimeout(p.timer);
    this.pending = null;
    this.device.setRunning(p.rollback);
    this.candidate = cloneConfig(p.rollback);
    this.candidateDirty = false;
  }

  /** A session ended: release its locks, drop its candidate edits if it held the lock, revert its non-persist confirmed commit. */
  sessionClosed(sid: number): void {
    this.sessions.delete(sid);
    if (this.locks.candidate === sid && this.candidateDirty) {
      this.candidate = cloneConfig(this.device.getRunning());
      this.candidateDirty = false;
    }
    for (const ds of ['running', 'candidate'] as const) if (this.locks[ds] === sid) this.locks[ds] = null;
    if (this.pending && this.pending.persistId === null && this.pending.sessionId === sid) this.revert();
  }

  /** Out-of-band change of running: the candidate follows unless someone is editing it. */
  runningChangedOutOfBand(): void {
    if (!this.candidateDirty) this.candidate = cloneConfig(this.device.getRunning());
  }

  /** Lab shutdown is a reboot: an unconfirmed commit does not survive it (RFC 6241 §8.4.1). */
  stop(): void {
    this.revert();
  }
}
