/**
 * Hides secrets by their shape before configs leave netsync (PR comments,
 * check pages, API). The renderer already replaces every secret *value* it
 * knows (render/maskSecrets.ts, `masked`); this catches secrets written into
 * settings or templates literally, which templates put in a handful of
 * well-known places: CLI lines after `secret`/`password`/... and XML elements
 * named like them.
 */
import { MASK } from '../render/index.ts';

export { MASK };

/** Words after which the rest of a CLI line is a secret (EOS/IOS/Junos set style). */
const CLI_SECRET =
  /^(\s*(?:set\s+)?(?:\S+\s+)*?(?:password|secret|community|pre-shared-key|authentication-key|auth-key|key-string|encrypted-password|md5)\b)(\s+.*)$/i;

/** XML elements whose text is a secret (NETCONF configs). */
const XML_SECRET =
  /(<((?:[\w.-]+:)?(?:[\w-]*(?:password|secret|community|pre-shared-key|authentication-key|psk)[\w-]*))(?:\s[^>]*)?>)([^<\n]*)(<\/\2>)/gi;

/** Masks secret-shaped values; keeps the line count, so masked and raw lines stay aligned. */
export function maskSecretShapes(text: string): string {
  return text
    .split('\n')
    .map((line) => (line.trimStart().startsWith('<') ? line : line.replace(CLI_SECRET, (_m, head: string) => `${head} ${MASK}`)))
    .join('\n')
    .replace(XML_SECRET, (_m, open: string, _name: string, _value: string, close: string) => `${open}${MASK}${close}`);
}
