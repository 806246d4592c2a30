/**
 * A namespace-aware element tree of a config fragment (saxes), for comparing what was
 * sent with what a device reads back. Text is trimmed; comments and processing instructions are dropped.
 */
import { SaxesParser } from 'saxes';

export interface ConfigNode {
  local: string;
  uri: string;
  /** The NETCONF `operation` attribute (RFC 6241 §7.2), if the element carries one. */
  operation?: string;
  children: ConfigNode[];
  text: string;
}

const NETCONF_BASE = 'urn:ietf:params:xml:ns:netconf:base:1.0';
const MAX_DEPTH = 64;

/** The top-level elements of `text` (with or without an XML declaration or a <config>/<data> wrapper); throws on malformed XML. */
export function parseConfigTree(text: string): ConfigNode[] {
  const parser = new SaxesParser({ xmlns: true });
  const root: ConfigNode = { local: '', uri: '', children: [], text: '' };
  const stack: ConfigNode[] = [root];
  let failure: Error | undefined;
  parser.on('error', (err) => {
    failure ??= err;
  });
  parser.on('opentag', (tag) => {
    if (stack.length > MAX_DEPTH) throw new Error(`elements nested deeper than ${MAX_DEPTH} levels`);
    const op = Object.values(tag.attributes).find((a) => typeof a !== 'string' && a.local === 'operation' && (a.uri === NETCONF_BASE || a.uri === ''));
    const node: ConfigNode = { local: tag.local ?? tag.name, uri: tag.uri ?? '', children: [], text: '', ...(op && typeof op !== 'string' ? { operation: op.value } : {}) };
    stack[stack.length - 1]!.children.push(node);
    stack.push(node);
  });
  const addText = (t: string) => {
    stack[stack.length - 1]!.text += t;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('closetag', () => {
    const node = stack.pop()!;
    node.text = node.text.trim();
  });
  try {
    parser.write(`<fragment>${text.replace(/^\s*<\?xml[^>]*\?>/, '')}</fragment>`).close();
  } catch (err) {
    failure ??= err as Error;
  }
  if (failure) throw failure;
  let top = root.children[0]!.children;
  const only = top.length === 1 ? top[0]! : undefined;
  if (only && (only.local === 'config' || only.local === 'data')) top = only.children;
  return top;
}
