/**
 * Hides secrets in rendered configs before they leave netsync (PR comments,
 * check pages, API). Masking is by shape, since templates put secrets in a
 * handful of well-known places, plus any exact values the caller knows are
 * secret (e.g. the values behind `${ENV}` references).
 */

export const MASK = '<masked>';

/** Words after which the rest of a CLI line is a secret (EOS/IOS/Junos set style). */
const CLI_SECRET =
  /^(\s*(?:set\s+)?(?:\S+\s+)*?(?:password|secret|community|pre-shared-key|authentication-key|auth-key|key-string|encrypted-password|md5)\b)(\s+.*)$/i;

/** XML elements whose text is a secret (NETCONF configs). */
const XML_SECRET =
  /(<((?:[\w.-]+:)?(?:[\w-]*(?:password|secret|community|pre-shared-key|authentication-key|psk)[\w-]*))(?:\s[^>]*)?>)([^<\n]*)(<\/\2>)/gi;

export function maskSecrets(text: string, knownSecrets: readonly string[] = []): string {
  let out = text
    .split('\n')
    .map((line) => (line.trimStart().startsWith('<') ? line : line.replace(CLI_SECRET, (_m, head: string) => `${head} ${MASK}`)))
    .join('\n');
  out = out.replace(XML_SECRET, (_m, open: string, _name: string, _value: string, close: string) => `${open}${MASK}${close}`);
  // Longest first, so a secret that contains another is hidden whole.
  for (const secret of [...knownSecrets].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join(MASK);
  }
  return out;
}
