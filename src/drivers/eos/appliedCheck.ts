/**
 * Did an EOS device apply the CLI config it was sent? Compares `show running-config` read back after the
 * commit with the sent lines, each line taken in its section (the headers above it, by indentation):
 * - merge: every sent line is there in its section; a `no X` / `default X` line means X is not;
 * - replace: that, and no line is there that was not sent.
 * Comments (`!`), `end` and blank lines are ignored. `canonicalize` (the lab's form, when the text is
 * in its model) is applied to the positive sent lines first, so `Et1` and `Ethernet1` compare equal.
 * Returns a short description of the first difference, or undefined when the device shows what was sent.
 */
import type { LoadMode } from '../../commit/session.ts';

const LINE_SHOWN = 80;
const NEGATION = /^(?:no|default) /;
/** Joins a line to its headers; cannot occur inside a line, which is trimmed and whitespace-collapsed. */
const SEP = '\n';

/** Each config line with the headers above it (`header\nsub\nline`), in order; whitespace inside a line collapsed. */
export function sectionedLines(text: string): string[] {
  const out: string[] = [];
  const stack: { indent: number; line: string }[] = [];
  for (const raw of text.replace(/\r/g, '').split('\n')) {
    const line = raw.trim().replace(/\s+/g, ' ');
    if (!line || line.startsWith('!') || line === 'end') continue;
    const indent = raw.length - raw.trimStart().length;
    while (stack.length && stack[stack.length - 1]!.indent >= indent) stack.pop();
    out.push([...stack.map((s) => s.line), line].join(SEP));
    stack.push({ indent, line });
  }
  return out;
}

/** Sent text split into the lines that must be there (as text) and the ones that must not (sectioned, negation dropped, headers canonical). */
function splitSent(sent: string, canonicalize: (text: string) => string): { positive: string; absent: string[] } {
  const header = (line: string) => {
    const canon = sectionedLines(canonicalize(line));
    return canon.length === 1 ? canon[0]! : line;
  };
  const absent: string[] = [];
  const keep: string[] = [];
  const sectioned = sectionedLines(sent);
  let i = 0;
  for (const raw of sent.replace(/\r/g, '').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('!') || line === 'end') {
      keep.push(raw);
      continue;
    }
    const key = sectioned[i++]!;
    const last = key.lastIndexOf(SEP);
    const own = key.slice(last + 1);
    if (NEGATION.test(own)) absent.push([...(last < 0 ? [] : key.slice(0, last).split(SEP).map(header)), own.replace(NEGATION, '')].join(SEP));
    else keep.push(raw);
  }
  return { positive: keep.join('\n'), absent };
}

const shown = (key: string) => {
  const text = key.split(SEP).join(' > ');
  return `'${text.length > LINE_SHOWN ? `${text.slice(0, LINE_SHOWN)}...` : text}'`;
};

export function cliNotApplied(sent: string, running: string, mode: LoadMode, canonicalize: (text: string) => string = (t) => t): string | undefined {
  const { positive, absent } = splitSent(sent, canonicalize);
  const want = sectionedLines(canonicalize(positive));
  const have = sectionedLines(running);
  const haveSet = new Set(have);
  const missing = want.find((l) => !haveSet.has(l));
  if (missing) return `line ${shown(missing)} is missing on the device`;
  const still = absent.find((l) => haveSet.has(l) || have.some((h) => h.startsWith(`${l}${SEP}`)));
  if (still) return `line ${shown(still)} was to be removed but is still on the device`;
  if (mode === 'merge') return undefined;
  const wantSet = new Set(want);
  const extra = have.find((l) => !wantSet.has(l));
  return extra ? `line ${shown(extra)} is on the device but was not sent` : undefined;
}
