/**
 * Interfaces as `interfaces/interface[name]/enabled` (the lab's urn:netsync:lab model and
 * ietf-interfaces share this shape): find one in get-config data, and the edits that set or
 * remove its `enabled` leaf, in the namespace the device used.
 */
import { child, parseXmlFragment } from '../../deviceconfig/xmlTree.ts';
import { escapeXml } from './xml.ts';

const BASE_NS = 'urn:ietf:params:xml:ns:netconf:base:1.0';

export interface InterfaceState {
  /** As the device spells it. */
  name: string;
  /** Namespace of the device's <interfaces> container ('' when it gave none). */
  ns: string;
  /** The `enabled` leaf as configured: 'true', 'false' or undefined when absent (default up). */
  enabled: string | undefined;
}

export function findInterface(data: string, name: string): InterfaceState | undefined {
  const wanted = name.trim().toLowerCase();
  for (const container of parseXmlFragment(data).filter((n) => n.local === 'interfaces')) {
    for (const entry of container.children.filter((n) => n.local === 'interface')) {
      const got = child(entry, 'name')?.text.trim();
      if (got?.toLowerCase() === wanted) return { name: got, ns: container.uri, enabled: child(entry, 'enabled')?.text.trim() };
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
