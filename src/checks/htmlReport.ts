/**
 * The plain HTML page a commit status links to (target_url): the check's state,
 * its devices and every diff in full. No scripts, no external resources; all
 * text escaped. Diffs are already masked by the report builder.
 */
import { failureText } from './buildReport.ts';
import type { CheckRecord } from './model.ts';

export function htmlReport(check: CheckRecord): string {
  const r = check.report;
  const rows = (r?.devices ?? [])
    .map((d) => {
      const delta = d.outcome === 'render_failed' ? 'render failed' : d.outcome === 'unchanged' ? 'no change' : `+${d.added} −${d.removed}`;
      return `<tr class="${d.outcome}"><td>${esc(d.hostname)}</td><td>${esc(d.type)}</td><td>${esc(d.reason)}</td><td>${esc(delta)}</td></tr>`;
    })
    .join('\n');
  const failures = (r?.devices ?? [])
    .filter((d) => d.error)
    .map((d) => `<li><strong>${esc(d.hostname)}</strong>: ${esc(failureText(d.error!))}</li>`)
    .join('\n');
  const diffs = (r?.devices ?? [])
    .filter((d) => d.diff || d.secretsChanged)
    .map(
      (d) =>
        `<details open><summary>${esc(d.hostname)} (+${d.added} −${d.removed})</summary>` +
        (d.secretsChanged ? '<p>Secret values changed; they are masked.</p>' : '') +
        `<pre>${d.diff.split('\n').map(diffLine).join('\n')}</pre></details>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>netsync check ${esc(check.repo)} #${check.number}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;max-width:72em}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left}
tr.render_failed{background:#fdd}pre{background:#f6f8fa;padding:.6em;overflow:auto}
.add{color:#116329}.del{color:#82071e}.hunk{color:#6639ba}
</style></head><body>
<h1>${esc(check.repo)} #${check.number}: <span class="state ${check.state}">${esc(check.state)}</span></h1>
<p>${esc(check.description)}</p>
<p>${esc(check.context)} · base <code>${esc(check.baseSha.slice(0, 12))}</code> → head <code>${esc(check.headSha.slice(0, 12))}</code> · updated ${esc(check.updatedAt)}</p>
${failures ? `<h2>Render failures</h2><ul>${failures}</ul>` : ''}
${rows ? `<h2>Devices</h2><table><thead><tr><th>device</th><th>type</th><th>reason</th><th>+/-</th></tr></thead><tbody>\n${rows}\n</tbody></table>` : check.detailsTrimmed ? TRIMMED : '<p>No devices affected.</p>'}
${diffs ? `<h2>Diffs</h2>\n${diffs}` : ''}
</body></html>
`;
}

const TRIMMED = '<p>The per-device results of this check were removed to keep the store small; the newest check of this pull request has them.</p>';

function diffLine(line: string): string {
  const cls =
    line.startsWith('+') && !line.startsWith('+++') ? 'add' : line.startsWith('-') && !line.startsWith('---') ? 'del' : line.startsWith('@@') ? 'hunk' : '';
  return cls ? `<span class="${cls}">${esc(line)}</span>` : esc(line);
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
