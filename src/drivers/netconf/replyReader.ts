/**
 * Parses one NETCONF message while its bytes arrive (SAX, no tree): the root
 * (hello / rpc-reply), message-id, capabilities, <ok/>, every <rpc-error>,
 * and the raw text of <data>, which is the only part kept whole because it is
 * what the caller asked for. Everything else is dropped as soon as it is read.
 */
import { StringDecoder } from 'node:string_decoder';
import { SaxesParser } from 'saxes';
import type { RpcErrorInfo } from './rpcError.ts';

export interface ParsedMessage {
  root: string;
  messageId?: string;
  capabilities: string[];
  sessionId?: string;
  ok: boolean;
  data?: string;
  errors: RpcErrorInfo[];
}

const local = (name: string) => name.slice(name.indexOf(':') + 1);

export class ReplyReader {
  private readonly parser = new SaxesParser({ position: true });
  private readonly decoder = new StringDecoder('utf8');
  private readonly path: string[] = [];
  private text = '';
  private chunk = '';
  private chunkStart = 0;
  /** Index in the current chunk where <data> content starts, while inside <data>. */
  private dataFrom: number | undefined;
  private dataParts: string[] = [];
  private error: (Partial<RpcErrorInfo> & { info: Record<string, string> }) | undefined;
  readonly message: ParsedMessage = { root: '', capabilities: [], ok: false, errors: [] };

  constructor() {
    const p = this.parser;
    p.on('opentag', (tag) => {
      const name = local(tag.name);
      const depth = this.path.push(name);
      this.text = '';
      if (depth === 1) {
        this.message.root = name;
        const id = tag.attributes['message-id'];
        if (typeof id === 'string') this.message.messageId = id;
      } else if (depth === 2 && this.message.root === 'rpc-reply') {
        if (name === 'ok') this.message.ok = true;
        if (name === 'rpc-error') this.error = { info: {} };
        if (name === 'data') {
          this.message.data = '';
          if (!tag.isSelfClosing) this.dataFrom = p.position - this.chunkStart;
        }
      }
    });
    p.on('text', (t) => {
      if (this.dataFrom === undefined) this.text += t;
    });
    p.on('cdata', (t) => {
      if (this.dataFrom === undefined) this.text += t;
    });
    p.on('closetag', (tag) => {
      const depth = this.path.length;
      const name = this.path.pop()!;
      const text = this.text.trim();
      this.text = '';
      const m = this.message;
      if (m.root === 'hello') {
        if (depth === 3 && name === 'capability') m.capabilities.push(text);
        if (depth === 2 && name === 'session-id') m.sessionId = text;
      } else if (m.root === 'rpc-reply') {
        if (depth === 2 && name === 'data' && this.dataFrom !== undefined) {
          this.dataParts.push(this.chunk.slice(this.dataFrom, p.position - this.chunkStart));
          const raw = this.dataParts.join('');
          m.data = tag.isSelfClosing ? '' : raw.slice(0, raw.lastIndexOf('</'));
          this.dataFrom = undefined;
          this.dataParts = [];
        } else if (depth === 2 && name === 'rpc-error' && this.error) {
          m.errors.push(this.finishError(this.error));
          this.error = undefined;
        } else if (depth === 3 && this.error) {
          this.errorField(name, text);
        } else if (depth === 4 && this.error && this.path[2] === 'error-info') {
          this.error.info[name] = text;
        }
      }
    });
  }

  private errorField(name: string, text: string): void {
    const e = this.error!;
    if (name === 'error-type') e.type = text;
    else if (name === 'error-tag') e.tag = text;
    else if (name === 'error-severity') e.severity = text === 'warning' ? 'warning' : 'error';
    else if (name === 'error-app-tag') e.appTag = text;
    else if (name === 'error-path') e.path = text;
    else if (name === 'error-message') e.message = text;
  }

  private finishError(e: Partial<RpcErrorInfo> & { info: Record<string, string> }): RpcErrorInfo {
    const out: RpcErrorInfo = { type: e.type || 'application', tag: e.tag || 'operation-failed', severity: e.severity ?? 'error', info: e.info };
    if (e.appTag) out.appTag = e.appTag;
    if (e.path) out.path = e.path;
    if (e.message) out.message = e.message;
    return out;
  }

  /** Feed the next bytes of the message; throws on malformed XML. */
  write(bytes: Buffer): void {
    this.feed(this.decoder.write(bytes));
  }

  private feed(text: string): void {
    if (!text) return;
    this.chunk = text;
    if (this.dataFrom !== undefined) this.dataFrom = 0;
    this.parser.write(text);
    if (this.dataFrom !== undefined) this.dataParts.push(this.chunk.slice(this.dataFrom));
    this.chunkStart += text.length;
  }

  /** The message is complete: finish parsing and return what was read. */
  end(): ParsedMessage {
    this.feed(this.decoder.end());
    this.parser.close();
    return this.message;
  }
}
