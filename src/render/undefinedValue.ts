/**
 * Templates render with nunjucks' throwOnUndefined: a typo such as `{{ vlna }}` must fail the render, not
 * quietly drop a line from a config that is then pushed to devices. nunjucks reports it as "attempted to
 * output null or undefined value" with a position, and in an included template often names the wrong file.
 * This finds the `{{ ... }}` at that position and says which value it was.
 */

const NUNJUCKS_UNDEFINED = 'attempted to output null or undefined value';
const LOCATION = /\(([^()\s]+)\)(?: \[Line (\d+), Column (\d+)\])?/g;

/**
 * The message to report for a nunjucks undefined-output error, as `(template) [Line L, Column C] undefined
 * variable 'name'` (lines from 1, as nunjucks gives them for this error), or undefined if `message` is
 * another error or the expression cannot be found.
 */
export function explainUndefined(message: string, platform: string, files: ReadonlyMap<string, string>): string | undefined {
  if (!message.includes(NUNJUCKS_UNDEFINED)) return undefined;
  const named = [...message.matchAll(LOCATION)];
  const position = named.find((m) => m[2] !== undefined);
  if (!position) return undefined;
  const line = Number(position[2]);
  const column = Number(position[3]);
  // The named files first (the innermost location may name an include instead of the includer), then the rest.
  const candidates = [...new Set([...named.map((m) => m[1]!), ...[...files.keys()].filter((p) => p.startsWith(`${platform}/`))])];
  for (const path of candidates) {
    const expression = expressionAt(files.get(path), line, column);
    if (expression !== undefined) return `(${path}) [Line ${line}, Column ${column}] ${describe(expression)}`;
  }
  return undefined;
}

function expressionAt(source: string | undefined, line: number, column: number): string | undefined {
  const text = source?.split('\n')[line - 1];
  if (text === undefined || !text.startsWith('{{', column - 1)) return undefined;
  const end = text.indexOf('}}', column + 1);
  if (end < 0) return undefined;
  return text
    .slice(column + 1, end)
    .replace(/^-/, '')
    .replace(/-$/, '')
    .trim();
}

function describe(expression: string): string {
  if (/^[A-Za-z_][\w]*(\.[A-Za-z_]\w*|\[[^\]]+\])*$/.test(expression)) return `undefined variable '${expression}'`;
  return `undefined or null value from {{ ${expression} }}`;
}
