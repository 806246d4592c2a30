/**
 * One NETCONF session over the `netconf` SSH subsystem: hello exchange, framing,
 * and the RPCs of RFC 6241 against the device's NetconfDatastore.
 * Nothing a client sends may crash the lab: every failure becomes an <rpc-error>
 * or, for framing and hello violations (RFC 6242 §3), the end of the session.
 */
import type { Duplex } from 'node:stream';
import { filterConfig, applyEdit, configFromXml, configToXml, BASE_NS, LAB_NS } from '../deviceconfig/netconfConfig.ts';
import type { ConnectionHandle, DeviceCore } from './deviceCore.ts';
import type { Datastore, NetconfDatastore } from './netconfDatastore.ts';
import { RpcError, escapeXml, rpcErrorXml } from '../deviceconfig/netconfError.ts';
import { FrameDecoder, encodeMessage } from '../protocol/netconfFraming.ts';
import { isNetsyncError } from '../model/errors.ts';
import { child, parseXml, type XmlNode } from '../deviceconfig/xmlTree.ts';

export const SERVER_CAPABILITIES = [
  'urn:ietf:params:netconf:base:1.0',
  'urn:ietf:params:netconf:base:1.1',
  'urn:ietf:params:netconf:capability:candidate:1.0',
  'urn:ietf:params:netconf:capability:confirmed-commit:1.0',
  'urn:ietf:params:netconf:capability:confirmed-commit:1.1',
  'urn:ietf:params:netconf:capability:validate:1.0',
  'urn:ietf:params:netconf:capability:validate:1.1',
  'urn:ietf:params:netconf:capability:rollback-on-error:1.0',
  `${LAB_NS}?module=netsync-lab&revision=2026-01-01`,
];
const BASE11 = 'urn:ietf:params:netconf:base:1.1';

type Reply = { kind: 'ok' } | { kind: 'data'; xml: string } | { kind: 'drop' } | { kind: 'close' };

/** A message larger than this ends the session. */
const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

export class NetconfSession {
  readonly id: number;
  private readonly decoder = new FrameDecoder((msg) => {
    if (!this.helloDone) this.onHello(msg);
    else this.queue = this.queue.then(() => this.onRpc(msg));
  }, MAX_MESSAGE_BYTES);
  private helloDone = false;
  private closed = false;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly device: DeviceCore,
    private readonly ds: NetconfDatastore,
    private readonly stream: Duplex,
    private readonly conn: ConnectionHandle,
  ) {
    this.id = device.allocateId();
    ds.sessions.set(this.id, { terminate: () => this.end() });
    stream.on('data', (data: Buffer) => this.onData(data));
    stream.on('close', () => this.cleanup());
    stream.on('error', () => this.cleanup());
    // The hello always goes with ]]>]]>, even when the client's hello (and a switch to chunked) came first.
    void device.delay().then(() => {
      if (!this.closed) this.stream.write(encodeMessage(this.helloXml(), 'eom'));
    });
  }

  private helloXml(): string {
    const caps = SERVER_CAPABILITIES.map((c) => `<capability>${escapeXml(c)}</capability>`).join('');
    return `<?xml version="1.0" encoding="UTF-8"?><hello xmlns="${BASE_NS}"><capabilities>${caps}</capabilities><session-id>${this.id}</session-id></hello>`;
  }

  /** Replies use whatever framing the hellos agreed. */
  private write(xml: string): void {
    if (this.closed) return;
    this.stream.write(encodeMessage(xml, this.decoder.mode));
  }

  private onData(data: Buffer): void {
    if (this.closed) return;
    try {
      this.decoder.push(data);
    } catch (err) {
      // Framing violations end the session (RFC 6242 §3); anything else must not take the lab down either.
      if (!(isNetsyncError(err) && err.code === 'NETCONF_FRAMING'))
        process.stderr.write(`netsync lab: ${this.device.hostname}: ${(err as Error).stack ?? String(err)}\n`);
      this.end();
    }
  }

  /** RFC 6241 §8.1: a bad hello, or one with a session-id, ends the session. Framing switches synchronously here. */
  private onHello(msg: string): void {
    let root: XmlNode;
    try {
      root = parseXml(msg);
    } catch {
      return this.end();
    }
    const caps = child(root, 'capabilities')?.children.map((c) => c.text.trim()) ?? [];
    if (root.local !== 'hello' || root.uri !== BASE_NS || child(root, 'session-id') || !caps.some((c) => c.startsWith('urn:ietf:params:netconf:base:1.'))) {
      return this.end();
    }
    this.helloDone = true;
    if (caps.includes(BASE11)) this.decoder.setFraming('chunked');
  }

  private async onRpc(msg: string): Promise<void> {
    if (this.closed) return;
    this.device.counters.rpcs++;
    await this.device.delay(requestName(msg));
    if (this.closed) return;
    let attrs = '';
    let reply: Reply;
    try {
      const rpc = parseXml(msg);
      if (rpc.local !== 'rpc' || rpc.uri !== BASE_NS)
        throw new RpcError('rpc', 'unknown-element', `expected <rpc>, got <${rpc.local}>`, { info: { 'bad-element': rpc.local } });
      attrs = [...rpc.attrs]
        .filter(([, a]) => a.uri === '')
        .map(([k, a]) => ` ${k}="${escapeXml(a.value)}"`)
        .join('');
      if (!rpc.attrs.has('message-id')) {
        throw new RpcError('rpc', 'missing-attribute', 'the <rpc> element has no message-id attribute', {
          info: { 'bad-attribute': 'message-id', 'bad-element': 'rpc' },
        });
      }
      if (rpc.children.length !== 1)
        throw new RpcError('protocol', 'operation-not-supported', `an <rpc> must contain exactly one operation (got ${rpc.children.length})`);
      reply = this.dispatch(rpc.children[0]!);
    } catch (err) {
      const e = err instanceof RpcError ? err : new RpcError('application', 'operation-failed', `internal lab error: ${(err as Error).message}`);
      this.write(`<rpc-reply xmlns="${BASE_NS}"${attrs}>${rpcErrorXml(e)}</rpc-reply>`);
      return;
    }
    if (reply.kind === 'drop') return this.conn.drop();
    if (reply.kind === 'data') this.write(`<rpc-reply xmlns="${BASE_NS}"${attrs}><data>${reply.xml}</data></rpc-reply>`);
    else this.write(`<rpc-reply xmlns="${BASE_NS}"${attrs}><ok/></rpc-reply>`);
    if (reply.kind === 'close') this.end();
  }

  private dispatch(op: XmlNode): Reply {
    if (op.uri !== BASE_NS) throw new RpcError('protocol', 'operation-not-supported', `operation <${op.local}> in namespace '${op.uri}' is not supported`);
    switch (op.local) {
      case 'get':
        return { kind: 'data', xml: configToXml(filterConfig(this.device.shownRunning(), child(op, 'filter'))) };
      case 'get-config': {
        const source = datastoreOf(op, 'source');
        const cfg = source === 'running' ? this.device.shownRunning() : this.ds.candidate;
        return { kind: 'data', xml: configToXml(filterConfig(cfg, child(op, 'filter'))) };
      }
      case 'edit-config':
        return this.editConfig(op);
      case 'lock':
      case 'unlock': {
        const target = datastoreOf(op, 'target');
        if (op.local === 'lock') this.ds.lock(target, this.id);
        else this.ds.unlock(target, this.id);
        return { kind: 'ok' };
      }
      case 'validate': {
        const source = child(op, 'source');
        const inline = source && child(source, 'config');
        if (inline) this.ds.validate(configFromXml(inline.children));
        else this.ds.validate(datastoreOf(op, 'source') === 'running' ? this.device.getRunning() : this.ds.candidate);
        return this.dropAfter('validate');
      }
      case 'commit':
        return this.commit(op);
      case 'cancel-commit':
        this.ds.cancelCommit(child(op, 'persist-id')?.text.trim() ?? null, this.id);
        return { kind: 'ok' };
      case 'discard-changes':
        this.ds.discard(this.id);
        return { kind: 'ok' };
      case 'close-session':
        return { kind: 'close' };
      case 'kill-session': {
        const idText = child(op, 'session-id')?.text.trim() ?? '';
        const target = Number(idText);
        if (target === this.id) throw new RpcError('protocol', 'invalid-value', 'a session cannot kill itself; use close-session');
        const victim = this.ds.sessions.get(target);
        if (!victim)
          throw new RpcError('protocol', 'invalid-value', `no NETCONF session with id '${idText}' on this device`, { info: { 'bad-element': 'session-id' } });
        victim.terminate();
        return { kind: 'ok' };
      }
      default:
        throw new RpcError('protocol', 'operation-not-supported', `operation <${op.local}> is not supported`, { info: { 'bad-element': op.local } });
    }
  }

  /** The dropAfter fault: the operation was applied, then the connection drops before the reply. */
  private dropAfter(phase: 'write' | 'validate' | 'confirmed-commit'): Reply {
    return this.device.faults.dropAfter === phase ? { kind: 'drop' } : { kind: 'ok' };
  }

  private editConfig(op: XmlNode): Reply {
    const target = datastoreOf(op, 'target');
    if (target === 'running')
      throw new RpcError('protocol', 'operation-not-supported', 'the running datastore is not writable (no :writable-running); edit the candidate and commit');
    const defaultOp = child(op, 'default-operation')?.text.trim() ?? 'merge';
    if (defaultOp !== 'merge' && defaultOp !== 'replace' && defaultOp !== 'none') {
      throw new RpcError('protocol', 'invalid-value', `default-operation must be merge, replace or none (got '${defaultOp}')`, {
        info: { 'bad-element': 'default-operation' },
      });
    }
    const config = child(op, 'config');
    if (!config) {
      if (child(op, 'url')) throw new RpcError('protocol', 'operation-not-supported', '<url> is not supported (no :url capability)');
      throw new RpcError('protocol', 'missing-element', 'edit-config needs a <config> element', { info: { 'bad-element': 'config' } });
    }
    const testOption = child(op, 'test-option')?.text.trim() ?? 'test-then-set';
    if (!['test-then-set', 'set', 'test-only'].includes(testOption)) {
      throw new RpcError('protocol', 'invalid-value', `test-option must be test-then-set, set or test-only (got '${testOption}')`, {
        info: { 'bad-element': 'test-option' },
      });
    }
    const edited = applyEdit(this.ds.candidate, config.children, defaultOp);
    // :validate:1.1 test-only checks the edit without keeping it.
    if (testOption === 'test-only') return { kind: 'ok' };
    this.ds.setCandidate(edited, this.id);
    return this.dropAfter('write');
  }

  private commit(op: XmlNode): Reply {
    const confirmed = child(op, 'confirmed') !== undefined;
    const timeoutText = child(op, 'confirm-timeout')?.text.trim();
    if (timeoutText !== undefined && !/^[1-9]\d{0,9}$/.test(timeoutText)) {
      throw new RpcError('protocol', 'invalid-value', `confirm-timeout must be a positive number of seconds (got '${timeoutText}')`, {
        info: { 'bad-element': 'confirm-timeout' },
      });
    }
    const persist = child(op, 'persist')?.text.trim() ?? null;
    const persistId = child(op, 'persist-id')?.text.trim() ?? null;
    this.ds.commit({ confirmed, timeoutSeconds: timeoutText ? Number(timeoutText) : 600, persist: confirmed ? persist : null, persistId }, this.id);
    if (confirmed) this.device.counters.lastConfirmTimeoutSeconds = timeoutText ? Number(timeoutText) : 600;
    return confirmed ? this.dropAfter('confirmed-commit') : { kind: 'ok' };
  }

  /** Ends this session (close-session, kill-session, framing error). */
  end(): void {
    if (this.closed) return;
    this.cleanup();
    this.stream.end();
  }

  private cleanup(): void {
    if (this.closed) return;
    this.closed = true;
    this.ds.sessionClosed(this.id);
  }
}

/** The name holdRequests matches: the operation, with `confirmed` / `persist-id` for the two kinds of confirmed-commit `<commit>`. */
function requestName(msg: string): string {
  try {
    const op = parseXml(msg).children[0];
    if (!op) return '';
    if (op.local !== 'commit') return op.local;
    return ['commit', ...(child(op, 'confirmed') ? ['confirmed'] : []), ...(child(op, 'persist-id') ? ['persist-id'] : [])].join(' ');
  } catch {
    return '';
  }
}

function datastoreOf(op: XmlNode, which: 'source' | 'target'): Datastore {
  const el = child(op, which);
  const name = el?.children[0]?.local;
  if (!el || !name) throw new RpcError('protocol', 'missing-element', `<${op.local}> needs a <${which}>`, { info: { 'bad-element': which } });
  if (name !== 'running' && name !== 'candidate') {
    throw new RpcError('protocol', 'invalid-value', `datastore <${name}> is not supported (running or candidate)`, { info: { 'bad-element': name } });
  }
  return name;
}
