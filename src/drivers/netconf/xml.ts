/** Small XML helpers for NETCONF: escape, and cut raw subtrees (parsing is src/deviceconfig/xmlTree.ts, on saxes). */

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
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
