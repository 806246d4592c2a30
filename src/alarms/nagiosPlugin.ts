/**
 * The Monitoring Plugins text of an alarm report: a status line with
 * performance data, then one device per line (long output). Used by the
 * `check-unsynced` CLI, `GET /api/v1/alarms/nagios` and passive results, so
 * the NOC sees the same words whichever way it polls.
 */
import { formatDuration } from '../model/duration.ts';
import type { AlarmReport, RejectedRepo, ServiceState, UnsyncedDevice } from './evaluate.ts';
import { STATE_CODE } from './evaluate.ts';

export const PLUGIN_LABEL = 'UNSYNCED';
/** Names listed on the status line before "(+N more)"; the long output lists everyone. */
const MAX_NAMES = 10;

export interface PluginResult {
  state: ServiceState;
  exitCode: 0 | 1 | 2 | 3;
  /** Status line (with perfdata) followed by long-output lines, newline-separated. */
  text: string;
}

export function pluginResult(report: AlarmReport): PluginResult {
  const repos = report.rejectedRepos ?? [];
  const status = [summary(report), ...repos.filter((r) => r.level !== 'ok').map(repoSummary)].join('; ');
  const lines = [`${PLUGIN_LABEL} ${report.state} - ${status} | ${perfdata(report)}`, ...repos.map(repoLine), ...report.devices.map(deviceLine)];
  return { state: report.state, exitCode: STATE_CODE[report.state], text: lines.join('\n') };
}

/** UNKNOWN with a reason: the daemon is unreachable, the token is rejected, the arguments are wrong. */
export function unknownResult(reason: string): PluginResult {
  return { state: 'UNKNOWN', exitCode: 3, text: `${PLUGIN_LABEL} UNKNOWN - ${oneLine(reason)}` };
}

/** "repo settings head 419efb12 rejected for 1h 5m, known-good 0a22df9e in force". */
function repoSummary(r: RejectedRepo): string {
  return `repo ${r.repo} head ${r.head.slice(0, 8)} rejected for ${formatDuration(r.ageSeconds)}, known-good ${r.knownGood ? r.knownGood.slice(0, 8) : 'none'} in force`;
}

function repoLine(r: RejectedRepo): string {
  return `${repoSummary(r)} (${r.level.toUpperCase()}): ${oneLine(r.problems.join('; ') || 'see netsync repos')}`;
}

function summary(r: AlarmReport): string {
  const warn = formatDuration(r.thresholds.warningSeconds);
  const crit = formatDuration(r.thresholds.criticalSeconds);
  if (r.critical === 0 && r.warning === 0) {
    if (r.unsynchronized === 0) return `all ${r.managed} managed devices synchronized`;
    return `${r.unsynchronized} of ${r.managed} managed ${plural(r.managed, 'device')} unsynchronized, none longer than ${warn}`;
  }
  const parts: string[] = [];
  if (r.critical > 0) parts.push(`${r.critical} ${plural(r.critical, 'device')} unsynchronized longer than ${crit}: ${names(r.devices, 'critical')}`);
  if (r.warning > 0) {
    const lead = r.critical > 0 ? `${r.warning}` : `${r.warning} ${plural(r.warning, 'device')} unsynchronized`;
    parts.push(`${lead} longer than ${warn}: ${names(r.devices, 'warning')}`);
  }
  return parts.join('; ');
}

function names(devices: UnsyncedDevice[], level: UnsyncedDevice['level']): string {
  const hits = devices.filter((d) => d.level === level).map((d) => d.hostname);
  const shown = hits.slice(0, MAX_NAMES).join(', ');
  return hits.length > MAX_NAMES ? `${shown} (+${hits.length - MAX_NAMES} more)` : shown;
}

/** 'label'=value[UOM];[warn];[crit];[min];[max] — the count has no thresholds, the age has both. */
function perfdata(r: AlarmReport): string {
  const t = r.thresholds;
  return [
    `unsynced=${r.unsynchronized};;;0;${r.managed}`,
    `warning=${r.warning};;;0;${r.managed}`,
    `critical=${r.critical};;;0;${r.managed}`,
    `oldest=${r.oldestSeconds}s;${t.warningSeconds};${t.criticalSeconds};0`,
    `rejected_repos=${(r.rejectedRepos ?? []).length};;;0`,
  ].join(' ');
}

function deviceLine(d: UnsyncedDevice): string {
  // `by` can be a git author name: a '|' or newline in it would start perfdata or a new line in Nagios.
  const cause = d.cause ? `, last cause ${d.cause}${d.by ? ` by ${oneLine(d.by)}` : ''}` : '';
  return `${d.hostname}: ${d.level.toUpperCase()}, unsynchronized since ${d.since} (${formatDuration(d.ageSeconds)})${cause}`;
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}

function oneLine(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/\|/g, '/')
    .trim();
}
