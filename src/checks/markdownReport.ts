/**
 * The PR comment (and `netsync impact --render --format markdown`): a summary,
 * a table of devices and each diff in a collapsible block. The hidden marker
 * lets the publisher find its own comment and update it in place. Output never
 * exceeds `maxChars` (GitHub's comment limit is 65,536): diffs that do not fit
 * are cut or left out with a pointer to the full report.
 */
import { failureText } from './buildReport.ts';
import type { CheckReport, DeviceCheckResult } from './model.ts';

export const COMMENT_MARKER = '<!-- netsync:impact -->';
export const GITHUB_COMMENT_MAX = 65_536;
/** Below this, a diff is not worth showing cut: it is left out with a pointer instead. */
const MIN_DIFF_CHARS = 400;
const MAX_TABLE_ROWS = 300;

export interface MarkdownOptions {
  maxChars?: number;
  /** Link to the daemon's page with every diff in full. */
  reportUrl?: string;
  /** e.g. "netsync/impact" */
  title?: string;
  marker?: string;
}

export function markdownReport(report: CheckReport, options: MarkdownOptions = {}): string {
  const maxChars = options.maxChars ?? GITHUB_COMMENT_MAX;
  const marker = options.marker ?? COMMENT_MARKER;
  const link = options.reportUrl ? ` · [full report](${options.reportUrl})` : '';
  const head = [
    marker,
    `### ${report.conclusion === 'success' ? '✅' : '❌'} ${escapeText(options.title ?? 'netsync impact')}: ${escapeText(report.description)}`,
    '',
    `base \`${report.baseSha.slice(0, 12)}\` → head \`${report.headSha.slice(0, 12)}\`${link}`,
    '',
  ];
  const failures = report.devices.filter((d) => d.outcome === 'render_failed');
  for (const d of failures) head.push(`- **render failed on ${escapeText(d.hostname)}**: ${escapeText(d.error ? failureText(d.error) : 'unknown error')}`);
  if (failures.length) head.push('');

  const listed = report.devices.filter((d) => d.outcome !== 'unchanged');
  const unchanged = report.devices.filter((d) => d.outcome === 'unchanged');
  if (listed.length) head.push(...table(listed, options.reportUrl));
  if (unchanged.length) {
    head.push(
      '',
      `Touched, no change: ${unchanged
        .map((d) => escapeText(d.hostname))
        .slice(0, 50)
        .join(', ')}${unchanged.length > 50 ? `, … (${unchanged.length - 50} more)` : ''}`,
    );
  }

  let out = head.join('\n');
  if (out.length > maxChars) out = `${out.slice(0, maxChars - 40)}\n\n…(cut to fit the comment limit)`;

  const omitted: string[] = [];
  const withDiffs = listed.filter((d) => d.outcome === 'changed');
  for (const d of withDiffs) {
    // Keep room for the closing note about what was left out.
    const block = diffBlock(d, maxChars - out.length - 200);
    if (block === undefined) omitted.push(d.hostname);
    else out += block;
  }
  if (omitted.length) {
    const where = options.reportUrl ? `see the [full report](${options.reportUrl})` : 'run `netsync impact --render` for all of them';
    const note = `\n\n${omitted.length} diff(s) not shown to stay within the comment size limit; ${where}.`;
    out += note.length + out.length <= maxChars ? note : '';
  }
  return out;
}

function table(devices: DeviceCheckResult[], reportUrl?: string): string[] {
  const rows = ['| device | type | reason | +/- |', '| --- | --- | --- | --- |'];
  for (const d of devices.slice(0, MAX_TABLE_ROWS)) {
    const delta = d.outcome === 'render_failed' ? 'render failed' : `+${d.added} −${d.removed}${d.secretsChanged ? ' (secrets changed)' : ''}`;
    rows.push(`| ${cell(d.hostname)} | ${cell(d.type)} | ${cell(d.reason)} | ${delta} |`);
  }
  if (devices.length > MAX_TABLE_ROWS) {
    rows.push('', `…and ${devices.length - MAX_TABLE_ROWS} more devices${reportUrl ? ` in the [full report](${reportUrl})` : ''}.`);
  }
  return rows;
}

/** A collapsible diff block that fits in `budget` characters, cut if needed; undefined if not even a cut one fits. */
function diffBlock(d: DeviceCheckResult, budget: number): string | undefined {
  const fence = fenceFor(d.diff);
  const open = `\n\n<details><summary>${escapeText(d.hostname)} (+${d.added} −${d.removed})</summary>\n\n${fence}diff\n`;
  const close = `${fence}\n</details>`;
  const secretNote = d.secretsChanged ? '\n(secret values changed; they are masked)' : '';
  const full = `${open}${d.diff}${close}${secretNote}`;
  if (full.length <= budget) return full;
  const room = budget - open.length - close.length - secretNote.length - 40;
  if (room < MIN_DIFF_CHARS) return undefined;
  const cut = d.diff.slice(0, d.diff.lastIndexOf('\n', room) + 1);
  return `${open}${cut}… (diff cut to fit)\n${close}${secretNote}`;
}

/** A code fence longer than any backtick run inside the diff, so a diff cannot close it early. */
function fenceFor(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(longest + 1);
}

function cell(text: string): string {
  return escapeText(text).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Text from repos and devices must not inject HTML or a second marker into the comment. */
function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
