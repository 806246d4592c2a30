/** `<rpc-error>` elements (RFC 6241 §4.3) as typed values, several per reply. */
import { NetsyncError } from '../../model/errors.ts';
import type { XmlNode } from './xml.ts';
import { textOf } from './xml.ts';

export interface RpcErrorInfo {
  type: string;
  tag: string;
  severity: 'error' | 'warning';
  appTag?: string;
  path?: string;
  message?: string;
  /** error-info children by local name (e.g. session-id, bad-element, bad-value). */
  info: Record<string, string>;
}

export function parseRpcErrors(reply: XmlNode): RpcErrorInfo[] {
  const list = (reply['rpc-error'] as XmlNode[] | undefined) ?? [];
  return list.map((e) => {
    const info: Record<string, string> = {};
    const raw = e['error-info'];
    if (raw && typeof raw === 'object') {
      for (const [k, v] of Object.entries(raw as XmlNode)) if (!k.startsWith('@')) info[k] = textOf(Array.isArray(v) ? v[0] : v) ?? '';
    }
    const severity = textOf(e['error-severity']) === 'warning' ? 'warning' : 'error';
    const out: RpcErrorInfo = { type: textOf(e['error-type']) ?? 'application', tag: textOf(e['error-tag']) ?? 'operation-failed', severity, info };
    const appTag = textOf(e['error-app-tag']);
    const path = textOf(e['error-path']);
    const message = textOf(e['error-message']);
    if (appTag) out.appTag = appTag;
    if (path) out.path = path;
    if (message) out.message = message;
    return out;
  });
}

/** A device refused an RPC. `errors` holds every rpc-error of the reply; the first names the code's tag. */
export class NetconfRpcError extends NetsyncError {
  readonly errors: RpcErrorInfo[];

  constructor(hostname: string, operation: string, errors: RpcErrorInfo[]) {
    const first = errors[0]!;
    const detail = errors
      .map((e) => `${e.tag}${e.appTag ? `/${e.appTag}` : ''}${e.path ? ` at ${e.path}` : ''}${e.message ? `: ${e.message}` : ''}`)
      .join('; ');
    super('NETCONF_RPC_ERROR', `${hostname}: ${operation} refused by the device: ${detail}`, { hostname, operation, errorTag: first.tag, errors });
    this.errors = errors;
  }

  get tag(): string {
    return this.errors[0]!.tag;
  }
}
