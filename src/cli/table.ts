/**
 * Boxed text tables for the CLI, at most `width` columns wide (default 120). Written here rather than with
 * cli-table3 because its layout is quadratic in the number of rows: 1,000 devices took seconds to lay out.
 * Cells are one line; control characters (device names and commit messages are untrusted) become '?', and a
 * cell too wide for its column is cut with '…', widest columns first.
 */

export interface TableOptions {
  /** Total width in terminal columns, borders included. */
  width?: number;
  /** Columns that may be cut to fit (default every one); e.g. keep hostnames whole and cut a free-text column. */
  cut?: number[];
}

const ELLIPSIS = '…';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** One printable line: whitespace runs become one space, other control characters '?'. */
export function cellText(value: unknown): string {
  return String(value ?? '')
    .replace(/[\t\n\r]+/g, ' ')
    .replace(CONTROL, '?')
    .trim();
}

function cut(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}${ELLIPSIS}`;
}

/** Column widths that fit `budget` characters of content: the widest column that may be cut gives way first. */
function fitWidths(natural: number[], budget: number, minimum: number[]): number[] {
  const widths = [...natural];
  let excess = widths.reduce((a, b) => a + b, 0) - budget;
  while (excess > 0) {
    let widest = -1;
    for (let i = 0; i < widths.length; i++) if (widths[i]! > minimum[i]! && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
    if (widest < 0) break;
    widths[widest]!--;
    excess--;
  }
  return widths;
}

export function formatTable(head: string[], rows: unknown[][], opts: TableOptions = {}): string {
  const width = opts.width ?? 120;
  const cells = rows.map((row) => head.map((_, i) => cellText(row[i])));
  const natural = head.map((h, i) => cells.reduce((max, row) => Math.max(max, row[i]!.length), h.length));
  // Each column costs 3 characters of border and padding ("│ x "), plus the closing "│".
  const cuttable = (i: number) => opts.cut === undefined || opts.cut.includes(i);
  let widths = fitWidths(
    natural,
    width - 3 * head.length - 1,
    head.map((h, i) => (cuttable(i) ? Math.min(h.length, 8) : natural[i]!)),
  );
  // Still too wide (the protected columns alone overflow): cut any column.
  if (opts.cut)
    widths = fitWidths(
      widths,
      width - 3 * head.length - 1,
      head.map((h) => Math.min(h.length, 8)),
    );
  const line = (row: string[]) => `│ ${row.map((c, i) => cut(c, widths[i]!).padEnd(widths[i]!)).join(' │ ')} │`;
  const rule = (left: string, mid: string, right: string) => `${left}${widths.map((w) => '─'.repeat(w + 2)).join(mid)}${right}`;
  return [rule('┌', '┬', '┐'), line(head), rule('├', '┼', '┤'), ...cells.map(line), rule('└', '┴', '┘')].join('\n');
}
