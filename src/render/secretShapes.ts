/**
 * Hides secrets by their shape: CLI lines after `secret`/`password`/`community`/... and XML elements named
 * like them. The placeholder render and the substitutions (secretPlaceholders.ts) hide every secret netsync
 * knows; this catches values it does not know, e.g. an old secret still on a device after a rotation, or a
 * secret written literally into settings or templates.
 */
import { MASK } from './maskSecrets.ts';

/** Words after which the rest of a CLI line is a secret (EOS/IOS/Junos set style). */
const CLI_SECRET =
  /^(\s*(?:set\s+)?(?:\S+\s+)*?(?:password|secret|community|pre-shared-key|authentication-key|auth-key|key-string|encrypted-password|md5)\b)(\s+.*)$/i;

/** XML elements whose text is a secret (NETCONF configs). */
const XML_SECRET = /(<((?:[\w.-]+:)?(?:[\w-]*(?:password|secret|community|pre-shared-key|authentication-key|psk)[\w-]*))(?:\s[^>]*)?>)([^<\n]*)(<\/\2>)/gi;

/** Masks secret-shaped values; keeps the line count, so masked and raw lines stay aligned. */
export function maskSecretShapes(text: string): string {
  return text
    .split('\n')
    .map((line) => (line.trimStart().startsWith('<') ? line : line.replace(CLI_SECRET, (_m, head: string) => `${head} ${MASK}`)))
    .join('\n')
    .replace(XML_SECRET, (_m, open: string, _name: string, _value: string, close: string) => `${open}${MASK}${close}`);
}
