/** An <rpc-error> (RFC 6241 §4.3) raised while handling a NETCONF request. */

export type RpcErrorType = 'transport' | 'rpc' | 'protocol' | 'application';

export class RpcError extends Error {
  constructor(
    readonly type: RpcErrorType,
    readonly tag: string,
    message: string,
    readonly extra: { path?: string; info?: Record<string, string>; appTag?: string } = {},
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function rpcErrorXml(e: RpcError): string {
  const parts = [`<error-type>${e.type}</error-type>`, `<error-tag>${e.tag}</error-tag>`, '<error-severity>error</error-severity>'];
  if (e.extra.appTag) parts.push(`<error-app-tag>${escapeXml(e.extra.appTag)}</error-app-tag>`);
  if (e.extra.path) parts.push(`<error-path>${escapeXml(e.extra.path)}</error-path>`);
  parts.push(`<error-message xml:lang="en">${escapeXml(e.message)}</error-message>`);
  const info = Object.entries(e.extra.info ?? {});
  if (info.length) parts.push(`<error-info>${info.map(([k, v]) => `<${k}>${escapeXml(v)}</${k}>`).join('')}</error-info>`);
  return `<rpc-error>${parts.join('')}</rpc-error>`;
}
