/** `netsync impact --render` on a terminal: the status line, a device table and each masked diff. */
import Table from 'cli-table3';
import { failureText } from './buildReport.ts';
import type { CheckReport } from './model.ts';

export function textReport(report: CheckReport): string {
  const lines = [
    `${report.conclusion === 'success' ? 'OK' : 'FAIL'}: ${report.description} (base ${report.baseSha.slice(0, 12)}, head ${report.headSha.slice(0, 12)})`,
  ];
  if (report.devices.length > 0) {
    const table = new Table({
      head: ['DEVICE', 'TYPE', 'REASON', 'RESULT'],
      style: { head: [], border: [], compact: true },
      chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    });
    for (const d of report.devices) {
      const result =
        d.outcome === 'render_failed'
          ? `render failed: ${d.error ? failureText(d.error) : ''}`
          : d.outcome === 'unchanged'
            ? 'no change'
            : `+${d.added} -${d.removed}${d.secretsChanged ? ' (secrets changed)' : ''}`;
      table.push([d.hostname, d.type, d.reason, result]);
    }
    lines.push(table.toString());
  }
  for (const d of report.devices) if (d.diff) lines.push('', d.diff.trimEnd());
  return `${lines.join('\n')}\n`;
}
