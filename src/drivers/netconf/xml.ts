/** Small XML helpers for NETCONF: parse without namespace prefixes, escape, and cut raw subtrees. */
import { XMLParser } from 'fast-xml-parser';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => name === 'rpc-error' || name === 'capability',
});

export type XmlNode = Record<string, unknown>;

export function parseXml(xml: string): XmlNode {
  return parser.parse(xml) as XmlNode;
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Text of a parsed leaf whether it came back as a string or as an element with attributes. */
export function textOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object' && '#text' in (value as XmlNode)) return String((value as XmlNode)['#text']);
  return '';
}

/**
 * Raw inner XML of the first element with this local name (any prefix), up to
 * its last closing tag; undefined when absent, '' for an empty element.
 * Used to hand `<data>` back verbatim, namespaces and order intact.
 */
export function innerXml(xml: string, localName: string): string | undefined {
  const open = new RegExp(`<(?:[A-Za-z_][\\w.-]*:)?${localName}(?:\\s[^>]*?)?(/?)>`);
  const m = open.exec(xml);
  if (!m) return undefined;
  if (m[1] === '/') return '';
  const start = m.index + m[0].length;
  const close = new RegExp(`</(?:[A-Za-z_][\\w.-]*:)?${localName}\\s*>`, 'g');
  let end = -1;
  for (let c = close.exec(xml); c; c = close.exec(xml)) if (c.index >= start) end = c.index;
  return end < 0 ? undefined : xml.slice(start, end);
}

/** Strip an XML declaration and an outer <config> wrapper, if any, so callers may pass either form. */
export function configBody(config: string): string {
  const text = config.replace(/^\s*<\?xml[^>]*\?>/, '').trim();
  if (/^<(?:[A-Za-z_][\w.-]*:)?config[\s>/]/.test(text)) return innerXml(text, 'config') ?? '';
  return text;
}
