/** The one namespace-aware XML tree builder (saxes) of drivers, lab and device-config parsing; malformed input throws a malformed-message RpcError. */
import { createRequire } from 'node:module';
import type * as Saxes from 'saxes';
import { RpcError } from './netconfError.ts';

/**
 * saxes loads on the first parse: its XML character classes cost the daemon about 8 MB resident, and a daemon
 * holding only CLI devices never parses XML (the scheduler's node-cron, #19, spends that on time-zone data).
 */
const require = createRequire(import.meta.url);
let saxes: typeof Saxes | undefined;

export interface XmlNode {
  local: string;
  uri: string;
  /** Attributes by local name (value and namespace). */
  attrs: Map<string, { uri: string; value: string }>;
  children: XmlNode[];
  /** Concatenated direct text content. */
  text: string;
}

const MAX_DEPTH = 64;

/** Parses one document; returns its root element. */
export function parseXml(text: string): XmlNode {
  saxes ??= require('saxes') as typeof Saxes;
  const parser = new saxes.SaxesParser({ xmlns: true });
  const stack: XmlNode[] = [];
  let root: XmlNode | null = null;
  let failure: Error | null = null;
  parser.on('error', (err) => {
    failure ??= err;
  });
  parser.on('opentag', (tag) => {
    // Namespace lookups walk the open-tag stack, so very deep nesting costs quadratic time; no request needs it.
    if (stack.length >= MAX_DEPTH) throw new Error(`elements nested deeper than ${MAX_DEPTH} levels`);
    const attrs = new Map<string, { uri: string; value: string }>();
    for (const a of Object.values(tag.attributes)) {
      if (typeof a === 'string') continue;
      if (a.prefix === 'xmlns' || a.name === 'xmlns') continue;
      attrs.set(a.local, { uri: a.uri, value: a.value });
    }
    const node: XmlNode = { local: tag.local ?? tag.name, uri: tag.uri ?? '', attrs, children: [], text: '' };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(node);
    else root ??= node;
    stack.push(node);
  });
  parser.on('text', (t) => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  });
  parser.on('cdata', (t) => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  try {
    parser.write(text).close();
  } catch (err) {
    failure ??= err as Error;
  }
  if (failure || !root) throw new RpcError('rpc', 'malformed-message', `malformed XML: ${failure?.message ?? 'no root element'}`);
  return root;
}

/** Parses a sequence of top-level elements (a config fragment), with or without an XML declaration. */
export function parseXmlFragment(text: string): XmlNode[] {
  const body = text.replace(/^\s*<\?xml[^>]*\?>/, '');
  return parseXml(`<fragment>${body}</fragment>`).children;
}

export function child(node: XmlNode, local: string): XmlNode | undefined {
  return node.children.find((c) => c.local === local);
}
