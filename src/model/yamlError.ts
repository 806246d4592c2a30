/**
 * A YAML parser error as one line a person can act on. The `yaml` library's message is "<what> at line L,
 * column C:" followed by the source excerpt; its first line alone ends in a dangling colon. This keeps the
 * first line, drops the colon and quotes the offending source line (JSON-escaped: it comes from git).
 */
export function yamlErrorText(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const [first = '', , source] = message.split('\n');
  const head = first.replace(/\s*:\s*$/, '');
  const line = source?.trim();
  if (!line) return head;
  return `${head} (${JSON.stringify(line.length > 80 ? `${line.slice(0, 79)}…` : line)})`;
}
