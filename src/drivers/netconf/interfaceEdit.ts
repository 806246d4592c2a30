/**
 * Interfaces as `interfaces/interface[name]/enabled` (the lab's urn:netsync:lab model and
 * ietf-interfaces share this shape): find one in get-config data, and the edits that set or
 * remove its `enabled` leaf, in the namespace the device used.
 */
import { escapeXml, parseXml, textOf } from './xml.ts';
import type { XmlNode } from './xml.ts';

const BASE_NS = 'urn:ietf:params:xml:ns:netconf:base:1.0';

export interface InterfaceState {
  /** As the device spells it. */
  name: string;
  /** Namespace of the device's <interfaces> container ('' when it gave none). */
  ns: string;
  /** The `enabled` leaf as configured: 'true', 'false' or undefined when absent (default up). */
  enabled: string | undefined;
}

const list = (v: unknown): XmlNode[] => (Array.isArray(v) ? (v as XmlNode[]) : v && typeof v === 'object' ? [v as XmlNode] : []);

/** Namespace of the first <interfaces> element, from its own default or prefixed xmlns. */
function interfacesNamespace(xml: string): string {
  const m = /<(?:([\w.-]+):)?interfaces\b([^>]*)>/.exec(xml);
  if (!m) return '';
  const attr = m[1] ? `xmlns:${m[1]}` : 'xmlns';
  return new RegExp(`\\s${attr}\\s*=\\s*"([^"]*)"`).exec(m[2] ?? '')?.[1] ?? '';
}

export function findInterface(data: string, name: string): InterfaceState | undefined {
  const doc = parseXml(`<data>${data}</data>`).data as XmlNode | undefined;
  const wanted = name.trim().toLowerCase();
  for (const container of list(doc?.interfaces)) {
    for (const entry of list(container.interface)) {
      const got = textOf(entry.name);
      if (got?.toLowerCase() === wanted) return { name: got, ns: interfacesNamespace(data), enabled: textOf(entry.enabled) };
    }
  }
  return undefined;
}

/** merge-able config setting `enabled` to `value`, or removing the leaf when `value` is undefined. */
export function enabledEdit(intf: InterfaceState, value: string | undefined): string {
  const ns = intf.ns ? ` xmlns="${escapeXml(intf.ns)}"` : '';
  const leaf = value === undefined ? `<enabled xmlns:nc="${BASE_NS}" nc:operation="remove"/>` : `<enabled>${escapeXml(value)}</enabled>`;
  return `<interfaces${ns}><interface><name>${escapeXml(intf.name)}</name>${leaf}</interface></interfaces>`;
}
