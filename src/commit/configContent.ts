/**
 * Whether a config text says anything at all. A config of nothing but comments
 * and wrappers is "empty" in either syntax: loading it with replace would wipe
 * the device (NETCONF) or be refused after the device was contacted (CLI).
 */

/** XML declaration, comments, an empty `<config>` wrapper; CLI `!` comments and `end`. */
const XML_NOISE = [/<\?xml[^>]*\?>/g, /<!--[\s\S]*?(-->|$)/g, /<\/?(?:[A-Za-z_][\w.-]*:)?config(?:\s[^>]*?)?\/?>/g];

export function hasConfigContent(config: string): boolean {
  let text = config;
  for (const re of XML_NOISE) text = text.replace(re, '');
  return text.split('\n').some((line) => {
    const l = line.trim();
    return l !== '' && !l.startsWith('!') && l !== 'end';
  });
}
