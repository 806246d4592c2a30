/**
 * DeviceSession over NETCONF (RFC 6241): candidate datastore, validate,
 * confirmed commit with persist (so another session, e.g. after a daemon
 * restart, can confirm or cancel), lock/unlock, discard-changes.
 */
import type { DeviceFacts, DeviceSession, LoadMode, SessionCapabilities } from '../../commit/session.ts';
import { NetsyncError } from '../../model/errors.ts';
import { boundedTwoFilesPatch, inThreadDiffer } from '../../render/configDiff.ts';
import { adminDown, leftDown, notInRunning } from '../bounceErrors.ts';
import type { NetconfClient } from './client.ts';
import type { InterfaceState } from './interfaceEdit.ts';
import { enabledEdit, findInterface } from './interfaceEdit.ts';
import { xmlNotApplied } from './appliedCheck.ts';
import { NetconfRpcError } from './rpcError.ts';
import { child, parseXmlFragment } from '../../deviceconfig/xmlTree.ts';
import { configBody, escapeXml } from './xml.ts';

const CAP = 'urn:ietf:params:netconf:capability:';

export interface NetconfSessionOptions {
  hostname: string;
  platform: string;
  /** Turns device text into the form rendered configs are compared in. */
  canonicalize?: (text: string) => string;
  /** Called when the session should release its transport (the SSH connection). */
  onClose?: () => void;
}

export function netconfCapabilities(client: NetconfClient): SessionCapabilities {
  return {
    candidate: client.hasCapability(`${CAP}candidate:1.0`),
    validate: client.hasCapability(`${CAP}validate:1.0`) || client.hasCapability(`${CAP}validate:1.1`),
    confirmedCommit: client.hasCapability(`${CAP}confirmed-commit:1.0`) || client.hasCapability(`${CAP}confirmed-commit:1.1`),
    persist: client.hasCapability(`${CAP}confirmed-commit:1.1`),
    rollbackOnError: client.hasCapability(`${CAP}rollback-on-error:1.0`),
  };
}

export class NetconfSession implements DeviceSession {
  readonly hostname: string;
  readonly capabilities: SessionCapabilities;
  private lastEdit: { config: string; mode: LoadMode } | undefined;
  private validatedSinceEdit = false;
  /** yuma123 netconfd (it announces its own netconfcentral.org / yuma123.org modules) needs the validate workaround. */
  private readonly yuma: boolean;

  constructor(
    readonly client: NetconfClient,
    private readonly opts: NetconfSessionOptions,
  ) {
    this.hostname = opts.hostname;
    this.capabilities = netconfCapabilities(client);
    this.yuma = client.serverCapabilities.some((c) => /^http:\/\/(netconfcentral|yuma123)\.org\//.test(c));
  }

  private get target(): string {
    return this.capabilities.candidate ? '<candidate/>' : '<running/>';
  }

  private canonical(text: string): string {
    return this.opts.canonicalize ? this.opts.canonicalize(text) : text;
  }

  private async getConfig(source: 'running' | 'candidate'): Promise<string> {
    const reply = await this.client.rpc(`<get-config><source><${source}/></source></get-config>`);
    return reply.data ?? '';
  }

  async facts(): Promise<DeviceFacts> {
    const system = parseXmlFragment(await this.getConfig('running')).find((n) => n.local === 'system');
    const version = /[?&]revision=([\d-]+)/.exec(this.client.serverCapabilities.find((c) => c.includes('module=')) ?? '')?.[1] ?? 'unknown';
    return { hostname: (system && child(system, 'hostname')?.text.trim()) ?? '', platform: this.opts.platform, version };
  }

  async getRunningConfig(): Promise<string> {
    return this.canonical(await this.getConfig('running'));
  }

  async lock(): Promise<void> {
    try {
      await this.client.rpc(`<lock><target>${this.target}</target></lock>`);
    } catch (err) {
      if (err instanceof NetconfRpcError && err.tag === 'lock-denied') {
        const holder = err.errors[0]!.info['session-id'];
        throw new NetsyncError(
          'DEVICE_LOCKED',
          `${this.hostname}: the ${this.capabilities.candidate ? 'candidate' : 'running'} datastore is locked by NETCONF session ${holder ?? '(unknown)'}; wait for it to finish or kill that session (<kill-session>) and retry`,
          { hostname: this.hostname, holderSession: holder ?? null },
          { cause: err },
        );
      }
      throw err;
    }
  }

  async unlock(): Promise<void> {
    await this.client.rpc(`<unlock><target>${this.target}</target></unlock>`);
  }

  async loadCandidate(config: string, mode: LoadMode): Promise<void> {
    const body = configBody(config);
    if (!body.trim()) throw new NetsyncError('BAD_REQUEST', `${this.hostname}: the configuration to load is empty`, { hostname: this.hostname });
    await this.client.rpc(
      `<edit-config><target>${this.target}</target><default-operation>${mode}</default-operation>` +
        `<error-option>rollback-on-error</error-option><config>${body}</config></edit-config>`,
    );
    this.lastEdit = { config, mode };
    this.validatedSinceEdit = false;
  }

  async diff(): Promise<string> {
    if (!this.capabilities.candidate) return '';
    const [running, candidate] = await Promise.all([this.getRunningConfig(), this.getConfig('candidate').then((t) => this.canonical(t))]);
    if (running === candidate) return '';
    // The device's own candidate against its running config (not text from git), under the default budget.
    return (await boundedTwoFilesPatch(inThreadDiffer(), 'running', 'candidate', running, candidate)).text;
  }

  async validate(): Promise<void> {
    await this.client.rpc(`<validate><source>${this.target}</source></validate>`, { operation: 'validate' });
    this.validatedSinceEdit = true;
  }

  /**
   * netconfd 2.13 turns a commit that directly follows <validate> into a silent
   * no-op; loading the edit again first makes the commit apply. The candidate is
   * reset (<discard-changes/>) before the edit is re-sent: an identical merge on top
   * of itself leaves the candidate clean, and a clean candidate commits nothing.
   * Only done for that agent; the read-back after the commit (commit/verifyApplied.ts) catches any other such agent.
   */
  private async refreshAfterValidate(): Promise<void> {
    if (this.yuma && this.validatedSinceEdit && this.lastEdit) {
      await this.discard();
      await this.loadCandidate(this.lastEdit.config, this.lastEdit.mode);
    }
  }

  async commitConfirmed(timeoutSeconds: number, persistId: string): Promise<void> {
    await this.refreshAfterValidate();
    const persist = this.capabilities.persist ? `<persist>${escapeXml(persistId)}</persist>` : '';
    await this.client.rpc(`<commit><confirmed/><confirm-timeout>${Math.max(1, Math.round(timeoutSeconds))}</confirm-timeout>${persist}</commit>`, {
      operation: 'commit confirmed',
    });
  }

  async confirm(persistId: string): Promise<void> {
    const id = this.capabilities.persist ? `<persist-id>${escapeXml(persistId)}</persist-id>` : '';
    await this.client.rpc(`<commit>${id}</commit>`, { operation: 'confirming commit' });
  }

  async commit(): Promise<void> {
    if (!this.capabilities.candidate) return; // edits to running take effect at once
    await this.refreshAfterValidate();
    await this.client.rpc('<commit/>');
  }

  async cancelCommit(persistId: string): Promise<void> {
    const id = this.capabilities.persist ? `<persist-id>${escapeXml(persistId)}</persist-id>` : '';
    await this.client.rpc(`<cancel-commit>${id}</cancel-commit>`);
  }

  async discard(): Promise<void> {
    if (this.capabilities.candidate) await this.client.rpc('<discard-changes/>');
  }

  /**
   * Compared in canonical form (the lab's, where it applies) on both sides, so `<id>010</id>` is vlan 10;
   * not a merge with `operation` attributes, which the canonical form would drop.
   */
  notApplied(sent: string, mode: LoadMode, running: string): string | undefined {
    const body = configBody(sent);
    return xmlNotApplied(mode === 'merge' && /\soperation\s*=/.test(body) ? body : this.canonical(body), running, mode);
  }

  /**
   * Under the lock: enabled=false and commit, then the leaf back as it was (removed when it was
   * absent) and commit, so running ends identical. Any failure discards the candidate and unlocks.
   */
  async bounceInterface(name: string): Promise<void> {
    await this.lock();
    let down = false;
    let intf: InterfaceState | undefined;
    try {
      intf = findInterface(await this.getConfig('running'), name);
      if (!intf) throw notInRunning(this.hostname, name);
      if (intf.enabled === 'false') throw adminDown(this.hostname, intf.name);
      await this.loadCandidate(enabledEdit(intf, 'false'), 'merge');
      await this.commit();
      down = true;
      await this.loadCandidate(enabledEdit(intf, intf.enabled), 'merge');
      await this.commit();
      down = false;
    } catch (err) {
      await this.discard().catch(() => undefined);
      await this.unlock().catch(() => undefined);
      throw down && intf ? leftDown(this.hostname, intf.name, err) : err;
    }
    // The bounce is done; a failed unlock is not its failure (closing the session releases the lock, RFC 6241 §7.5).
    await this.unlock().catch(() => undefined);
  }

  async close(): Promise<void> {
    try {
      await this.client.close();
    } finally {
      this.opts.onClose?.();
    }
  }
}
