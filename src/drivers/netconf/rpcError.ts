/** `<rpc-error>` elements (RFC 6241 §4.3) as typed values, several per reply. */
import { NetsyncError } from '../../model/errors.ts';

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

/** A device refused an RPC. `errors` holds every rpc-error of the reply; the first names the code's tag. */
export class NetconfRpcError extends NetsyncError {
  readonly errors: RpcErrorInfo[];

  constructor(hostname: string, operation: string, errors: RpcErrorInfo[]) {
    const first = errors[0]!;
    // Some agents start the message with the path already; say it once.
    const where = (e: RpcErrorInfo) => (e.path && !e.message?.startsWith(e.path) ? ` at ${e.path}` : '');
    const detail = errors.map((e) => `${e.tag}${e.appTag ? `/${e.appTag}` : ''}${where(e)}${e.message ? `: ${e.message}` : ''}`).join('; ');
    super('NETCONF_RPC_ERROR', `${hostname}: ${operation} refused by the device: ${detail}`, { hostname, operation, errorTag: first.tag, errors });
    this.errors = errors;
  }

  get tag(): string {
    return this.errors[0]!.tag;
  }
}
