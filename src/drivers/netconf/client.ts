/**
 * NETCONF client over any byte stream (an ssh2 `netconf` subsystem channel in
 * production). Sends its hello first and waits for the server's before any
 * RPC (netconfd may stall a request that arrives in the same read as the
 * hello), switches to chunked framing when both sides speak base:1.1, matches
 * replies by message-id and gives every RPC its own timeout.
 */
import type { Duplex } from 'node:stream';
import { NetsyncError } from '../../model/errors.ts';
import type { Framing } from '../../protocol/netconfFraming.ts';
import { FrameDecoder, encodeMessage } from '../../protocol/netconfFraming.ts';
import type { ParsedMessage } from './replyReader.ts';
import { ReplyReader } from './replyReader.ts';
import type { RpcErrorInfo } from './rpcError.ts';
import { NetconfRpcError } from './rpcError.ts';

export const NS_BASE = 'urn:ietf:params:xml:ns:netconf:base:1.0';
export const CAP_BASE_10 = 'urn:ietf:params:netconf:base:1.0';
export const CAP_BASE_11 = 'urn:ietf:params:netconf:base:1.1';

export interface NetconfClientOptions {
  /** Used in error messages only. */
  hostname: string;
  helloTimeoutMs?: number;
  rpcTimeoutMs?: number;
  maxMessageBytes?: number;
  /** Capabilities we announce; base:1.0 and 1.1 by default. */
  capabilities?: string[];
  /** Silence after the first request before a harmless probe is sent to unstick the agent (see nudge()). */
  stallProbeMs?: number;
}

export interface RpcReply {
  messageId: string;
  ok: boolean;
  /** Raw inner XML of `<data>`, when the reply has one. */
  data?: string;
  warnings: RpcErrorInfo[];
}

interface Pending {
  operation: string;
  resolve: (reply: RpcReply) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class NetconfClient {
  serverCapabilities: string[] = [];
  sessionId = '';
  private framing: Framing = 'eom';
  private readonly decoder: FrameDecoder;
  private readonly pending = new Map<string, Pending>();
  private nextId = 1;
  /** Whether the agent has answered anything yet, and the pending nudge timer for a stalled first request. */
  private answered = false;
  private nudgeTimer: NodeJS.Timeout | undefined;
  private nudges = 0;
  private closedError: NetsyncError | undefined;
  private helloWaiter: { resolve: () => void; reject: (e: Error) => void } | undefined;
  /** The message being received, parsed as its bytes arrive. */
  private reader: ReplyReader | undefined;

  private constructor(
    private readonly channel: Duplex,
    private readonly opts: Required<Omit<NetconfClientOptions, 'capabilities'>> & { capabilities: string[] },
  ) {
    this.decoder = new FrameDecoder(
      {
        chunk: (part) => this.parsing(() => (this.reader ??= new ReplyReader()).write(part)),
        end: () => {
          const reader = this.reader;
          this.reader = undefined;
          if (reader) this.onMessage(this.parsing(() => reader.end()));
        },
      },
      opts.maxMessageBytes,
    );
    channel.on('data', (chunk: Buffer) => {
      try {
        this.decoder.push(chunk);
      } catch (err) {
        this.fail(err as NetsyncError);
        channel.destroy();
      }
    });
    channel.on('close', () => this.fail(this.closedByPeer()));
    channel.on('end', () => this.fail(this.closedByPeer()));
    channel.on('error', (err: Error) =>
      this.fail(new NetsyncError('NETCONF_CLOSED', `${opts.hostname}: NETCONF channel failed: ${err.message}`, { hostname: opts.hostname })),
    );
  }

  /** Exchange hellos on an open channel; rejects with NETCONF_NO_HELLO if the channel closes or stays silent first. */
  static async start(channel: Duplex, options: NetconfClientOptions): Promise<NetconfClient> {
    const client = new NetconfClient(channel, {
      hostname: options.hostname,
      helloTimeoutMs: options.helloTimeoutMs ?? 15_000,
      rpcTimeoutMs: options.rpcTimeoutMs ?? 60_000,
      maxMessageBytes: options.maxMessageBytes ?? 64 * 1024 * 1024,
      capabilities: options.capabilities ?? [CAP_BASE_10, CAP_BASE_11],
      stallProbeMs: options.stallProbeMs ?? 500,
    });
    await client.hello();
    return client;
  }

  get usesChunkedFraming(): boolean {
    return this.framing === 'chunked';
  }

  hasCapability(prefix: string): boolean {
    return this.serverCapabilities.some((c) => c === prefix || c.startsWith(`${prefix}?`));
  }

  private hello(): Promise<void> {
    const caps = this.opts.capabilities.map((c) => `<capability>${c}</capability>`).join('');
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new NetsyncError('NETCONF_NO_HELLO', `${this.opts.hostname}: no NETCONF hello within ${this.opts.helloTimeoutMs} ms`, {
              hostname: this.opts.hostname,
            }),
          ),
        this.opts.helloTimeoutMs,
      );
      this.helloWaiter = {
        resolve: () => (clearTimeout(timer), resolve()),
        reject: (e) => (clearTimeout(timer), reject(e)),
      };
    });
    this.channel.write(encodeMessage(`<?xml version="1.0" encoding="UTF-8"?><hello xmlns="${NS_BASE}"><capabilities>${caps}</capabilities></hello>`, 'eom'));
    return done;
  }

  private closedByPeer(): NetsyncError {
    if (this.helloWaiter) {
      return new NetsyncError(
        'NETCONF_NO_HELLO',
        `${this.opts.hostname}: the NETCONF channel closed before the device sent its hello; is the NETCONF agent running behind SSH (subsystem 'netconf')?`,
        { hostname: this.opts.hostname },
      );
    }
    return new NetsyncError('NETCONF_CLOSED', `${this.opts.hostname}: the device closed the NETCONF session`, { hostname: this.opts.hostname });
  }

  private fail(err: NetsyncError): void {
    if (this.closedError) return;
    this.closedError = err;
    clearTimeout(this.nudgeTimer);
    this.helloWaiter?.reject(err);
    this.helloWaiter = undefined;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(err);
    }
  }

  /** Runs a parser step; malformed XML ends the session (the channel is destroyed by the caller). */
  private parsing<T>(step: () => T): T {
    try {
      return step();
    } catch (err) {
      this.reader = undefined;
      if (err instanceof NetsyncError) throw err;
      throw new NetsyncError('NETCONF_BAD_XML', `${this.opts.hostname}: device sent malformed XML: ${(err as Error).message}`, {
        hostname: this.opts.hostname,
      });
    }
  }

  private onMessage(msg: ParsedMessage): void {
    if (this.helloWaiter) return this.onHello(msg);
    if (msg.root !== 'rpc-reply') return; // notifications are not ours to answer
    this.answered = true;
    clearTimeout(this.nudgeTimer);
    const id = msg.messageId ?? this.pending.keys().next().value;
    const p = id === undefined ? undefined : this.pending.get(id);
    if (!p || id === undefined) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    const errors = msg.errors.filter((e) => e.severity === 'error');
    if (errors.length) return p.reject(new NetconfRpcError(this.opts.hostname, p.operation, errors));
    p.resolve({
      messageId: id,
      ok: msg.ok,
      warnings: msg.errors.filter((e) => e.severity === 'warning'),
      ...(msg.data !== undefined ? { data: msg.data } : {}),
    });
  }

  private onHello(msg: ParsedMessage): void {
    const waiter = this.helloWaiter!;
    this.helloWaiter = undefined;
    this.serverCapabilities = msg.capabilities.filter(Boolean);
    this.sessionId = msg.sessionId ?? '';
    if (msg.root !== 'hello' || !this.serverCapabilities.some((c) => c === CAP_BASE_10 || c === CAP_BASE_11)) {
      const err = new NetsyncError('NETCONF_NO_HELLO', `${this.opts.hostname}: the device's first message is not a NETCONF hello with a base capability`, {
        hostname: this.opts.hostname,
      });
      this.fail(err);
      waiter.reject(err);
      return;
    }
    if (this.serverCapabilities.includes(CAP_BASE_11) && this.opts.capabilities.includes(CAP_BASE_11)) {
      this.framing = 'chunked';
      this.decoder.setFraming('chunked');
    }
    waiter.resolve();
  }

  /** Send one RPC (its inner XML, e.g. `<get-config>...</get-config>`); rejects with NetconfRpcError on rpc-error. */
  rpc(body: string, options: { timeoutMs?: number; operation?: string } = {}): Promise<RpcReply> {
    if (this.closedError) return Promise.reject(this.closedError);
    const id = String(this.nextId++);
    const operation = options.operation ?? /^<([\w:-]+)/.exec(body)?.[1] ?? 'rpc';
    const timeoutMs = options.timeoutMs ?? this.opts.rpcTimeoutMs;
    return new Promise<RpcReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new NetsyncError('NETCONF_TIMEOUT', `${this.opts.hostname}: no reply to <${operation}> within ${timeoutMs} ms`, {
            hostname: this.opts.hostname,
            operation,
            timeoutMs,
          }),
        );
      }, timeoutMs);
      this.pending.set(id, { operation, resolve, reject, timer });
      this.channel.write(encodeMessage(`<rpc message-id="${id}" xmlns="${NS_BASE}">${body}</rpc>`, this.framing));
      if (!this.answered && !this.nudgeTimer) this.nudgeTimer = setTimeout(() => this.nudge(), this.opts.stallProbeMs);
    });
  }

  /**
   * netconfd may leave a request that reached it in the same read as our
   * hello unprocessed until more input arrives. If the first request meets
   * silence, send a read-only probe (its reply is ignored) to get it going;
   * a few times at most, the per-RPC timeout covers the rest.
   */
  private nudge(): void {
    this.nudgeTimer = undefined;
    if (this.answered || this.closedError || this.pending.size === 0 || this.nudges >= 3) return;
    this.nudges++;
    const probe = `<rpc message-id="probe-${this.nudges}" xmlns="${NS_BASE}"><get-config><source><running/></source><filter type="subtree"><probe xmlns="urn:netsync:probe"/></filter></get-config></rpc>`;
    this.channel.write(encodeMessage(probe, this.framing));
    this.nudgeTimer = setTimeout(() => this.nudge(), this.opts.stallProbeMs * 2 ** this.nudges);
  }

  /** Polite close: <close-session> with a short timeout, then end the channel whatever happened. */
  async close(timeoutMs = 2000): Promise<void> {
    if (!this.closedError) {
      try {
        await this.rpc('<close-session/>', { timeoutMs });
      } catch {
        // The session is going away either way.
      }
    }
    this.fail(new NetsyncError('NETCONF_CLOSED', `${this.opts.hostname}: session closed`, { hostname: this.opts.hostname }));
    this.channel.end();
  }
}
