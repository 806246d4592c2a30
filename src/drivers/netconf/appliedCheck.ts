/**
 * Did a NETCONF device apply the config it was sent? Compares the running config read back after the
 * commit with the sent XML as element trees (order of siblings, whitespace and prefixes do not matter):
 * - merge: every element sent is there with the value sent (subtree containment); an element sent with
 *   `operation="delete"` or `"remove"` is gone;
 * - replace: that, and nothing else is there (empty containers aside: netconfd always keeps `<nacm/>`).
 * Returns a short description of the first difference, or undefined when the device shows what was sent.
 */
import type { LoadMode } from '../../commit/session.ts';
import type { XmlNode } from '../../deviceconfig/xmlTree.ts';
import { parseXmlFragment } from '../../deviceconfig/xmlTree.ts';

/** An element as compared here: text trimmed, and its NETCONF `operation` attribute (RFC 6241 §7.2) if any. */
interface ConfigNode {
  local: string;
  uri: string;
  operation?: string;
  children: ConfigNode[];
  text: string;
}

const NETCONF_BASE = 'urn:ietf:params:xml:ns:netconf:base:1.0';

function configNode(n: XmlNode): ConfigNode {
  const op = n.attrs.get('operation');
  const operation = op && (op.uri === NETCONF_BASE || op.uri === '') ? { operation: op.value } : {};
  return { local: n.local, uri: n.uri, ...operation, children: n.children.map(configNode), text: n.text.trim() };
}

/** The top-level elements of `text`, without a <config>/<data> wrapper; throws on malformed XML. */
function parseConfigTree(text: string): ConfigNode[] {
  const top = parseXmlFragment(text);
  const only = top.length === 1 ? top[0]! : undefined;
  return (only && (only.local === 'config' || only.local === 'data') ? only.children : top).map(configNode);
}

export function xmlNotApplied(sent: string, running: string, mode: LoadMode): string | undefined {
  let want: ConfigNode[];
  let have: ConfigNode[];
  try {
    want = parseConfigTree(sent);
    have = parseConfigTree(running);
  } catch (err) {
    return `the running config read back could not be compared (${(err as Error).message})`;
  }
  const missing = lacks(have, want, '', SENT_SIDE);
  if (missing || mode === 'merge') return missing;
  return lacks(want, withoutEmpty(have), '', DEVICE_SIDE);
}

const VALUE_SHOWN = 60;
const shown = (v: string) => `'${v.length > VALUE_SHOWN ? `${v.slice(0, VALUE_SHOWN)}...` : v}'`;

const sameName = (a: ConfigNode, b: ConfigNode) => a.local === b.local && (a.uri === '' || b.uri === '' || a.uri === b.uri);
const isLeaf = (n: ConfigNode) => n.children.length === 0;

/** `interface[eth0]` for a list entry (named by its first leaf: YANG puts the keys first), else the element's name. */
function label(n: ConfigNode, entry: boolean): string {
  const key = n.children.find(isLeaf);
  return entry && key ? `${n.local}[${key.text}]` : n.local;
}

/** How a difference is worded, by which side is looked for in the other. */
interface Wording {
  missing(path: string): string;
  differs(path: string, have: string, want: string): string;
}
const SENT_SIDE: Wording = {
  missing: (path) => `${path} is missing on the device`,
  differs: (path, have, want) => `${path} is ${shown(have)} on the device, sent ${shown(want)}`,
};
const DEVICE_SIDE: Wording = {
  missing: (path) => `${path} is on the device but was not sent`,
  differs: (path, have, want) => `${path} is ${shown(want)} on the device, sent ${shown(have)}`,
};

/** The first element of `want` that `have` does not show, described; undefined when all are there. */
function lacks(have: ConfigNode[], want: ConfigNode[], path: string, say: Wording): string | undefined {
  for (const w of want) {
    const candidates = have.filter((h) => sameName(h, w));
    // A list entry has (or may have) siblings of its name; a lone element with a leaf and more looks like one too.
    const entry = candidates.length > 1 || want.filter((o) => sameName(o, w)).length > 1 || (candidates.length === 0 && w.children.length > 1);
    const here = `${path}/${label(w, entry)}`;
    if (w.operation === 'delete' || w.operation === 'remove') {
      const still = isLeaf(w) && w.text === '' ? candidates[0] : candidates.find((h) => holds(h, w));
      if (still) return `${here} was to be deleted but is still there`;
      continue;
    }
    if (candidates.some((h) => holds(h, w))) continue;
    if (candidates.length === 0) return say.missing(here);
    if (isLeaf(w)) return say.differs(here, candidates[0]!.text, w.text);
    if (!entry) return lacks(candidates[0]!.children, w.children, here, say);
    // Say what differs inside the entry with the same key (first leaf), if there is one.
    const key = w.children.find(isLeaf);
    const same = candidates.filter((h) => !key || h.children.some((c) => sameName(c, key) && c.text === key.text));
    if (same.length === 1) return lacks(same[0]!.children, w.children, here, say);
    return say.missing(here);
  }
  return undefined;
}

function holds(h: ConfigNode, w: ConfigNode): boolean {
  if (isLeaf(w)) return w.text === '' ? true : isLeaf(h) && h.text === w.text;
  return lacks(h.children, w.children, '', SENT_SIDE) === undefined;
}

/** Running minus elements that say nothing (no text, nothing inside but more of the same). */
function withoutEmpty(nodes: ConfigNode[]): ConfigNode[] {
  const out: ConfigNode[] = [];
  for (const n of nodes) {
    if (isLeaf(n)) {
      if (n.text !== '') out.push(n);
      continue;
    }
    const children = withoutEmpty(n.children);
    if (children.length) out.push({ ...n, children });
  }
  return out;
}
