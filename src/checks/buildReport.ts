/**
 * Turns the impacted devices with their base and head renders into a check
 * report: per-device outcome and masked diff, counts by type, a conclusion and
 * the one-line status description. The diffs run where `differ` runs them (the render processes in the
 * daemon and the CLI: Renderer.differ, under render.diffTimeoutMs), all at once.
 */
import type { ConfigDiffer } from '../render/configDiff.ts';
import { inThreadDiffer } from '../render/configDiff.ts';
import { deviceDiff } from './deviceDiff.ts';
import type { CheckReport, DeviceCheckResult, ImpactedDevice, RenderFailure } from './model.ts';
import { naturalCompare } from '../model/naturalCompare.ts';

/** GitHub rejects longer commit-status descriptions; Gitea and GitLab accept this much too. */
export const STATUS_DESCRIPTION_MAX = 140;

export interface ReportInput {
  baseSha: string;
  headSha: string;
  devices: ImpactedDevice[];
}

/** `differ`: where the diffs run; on this thread with the default budget only for tests and tools. */
export async function buildReport(input: ReportInput, differ: ConfigDiffer = inThreadDiffer()): Promise<CheckReport> {
  const labels = { base: `base ${input.baseSha.slice(0, 12)}`, head: `head ${input.headSha.slice(0, 12)}` };
  const devices = await Promise.all([...input.devices].sort((a, b) => naturalCompare(a.hostname, b.hostname)).map((d) => deviceResult(differ, d, labels)));

  // Device types are names from clients: no prototype, so no type can read an inherited member.
  const countsByType = Object.create(null) as Record<string, number>;
  for (const d of devices) {
    if (d.outcome !== 'unchanged') countsByType[d.type] = (countsByType[d.type] ?? 0) + 1;
  }
  const changed = devices.filter((d) => d.outcome === 'changed').length;
  const failed = devices.filter((d) => d.outcome === 'render_failed').length;
  const unchanged = devices.length - changed - failed;
  const conclusion = failed > 0 ? 'failure' : 'success';
  return {
    conclusion,
    description: describe(devices, countsByType, { changed, failed, unchanged }),
    baseSha: input.baseSha,
    headSha: input.headSha,
    devices,
    countsByType,
    changed,
    unchanged,
    failed,
  };
}

async function deviceResult(differ: ConfigDiffer, d: ImpactedDevice, labels: { base: string; head: string }): Promise<DeviceCheckResult> {
  const common = { hostname: d.hostname, type: d.type, platform: d.platform, reason: d.reason };
  if (!d.after.ok) return { ...common, outcome: 'render_failed', added: 0, removed: 0, diff: '', error: d.after.error };
  // A base that failed to render counts as empty: the head is what would be pushed.
  const before = d.before?.ok ? d.before.config : '';
  const beforeHash = d.before?.ok ? d.before.hash : undefined;
  const rawDiffers = beforeHash !== undefined && d.after.hash !== undefined ? beforeHash !== d.after.hash : before !== d.after.config;
  if (!rawDiffers) return { ...common, outcome: 'unchanged', added: 0, removed: 0, diff: '' };
  const diff = await deviceDiff(differ, d.hostname, before, d.after.config, labels, rawDiffers);
  return {
    ...common,
    outcome: 'changed',
    added: diff.added,
    removed: diff.removed,
    diff: diff.diff,
    ...(diff.secretsChanged ? { secretsChanged: true } : {}),
  };
}

/** "12 devices: 10 ACCESS, 2 DIST" or "render failed on sw-3: undefined variable 'vlan' (access.j2 line 12)". */
function describe(devices: DeviceCheckResult[], countsByType: Record<string, number>, n: { changed: number; failed: number; unchanged: number }): string {
  const firstFailure = devices.find((d) => d.outcome === 'render_failed');
  if (firstFailure?.error) {
    const more = n.failed > 1 ? ` (+${n.failed - 1} more)` : '';
    const prefix = `render failed on ${firstFailure.hostname}${more}: `;
    return truncate(prefix + failureText(firstFailure.error, STATUS_DESCRIPTION_MAX - [...prefix].length));
  }
  if (n.changed === 0) {
    return n.unchanged === 0 ? 'no devices affected' : truncate(`no config changes (${plural(n.unchanged, 'device')} touched)`);
  }
  const types = Object.entries(countsByType)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([type, count]) => `${count} ${type}`)
    .join(', ');
  return truncate(`${plural(n.changed, 'device')}: ${types}`);
}

/** "undefined variable 'vlan' (access.j2 line 12)" */
export function failureText(error: RenderFailure, max = Infinity): string {
  const where = error.template ? ` (${error.template}${error.line !== undefined ? ` line ${error.line}` : ''})` : '';
  const message = error.message.replace(/\s+/g, ' ').trim();
  // When space is short the message is cut, not the template location: that is what a reviewer needs.
  return `${truncate(message, Math.max(10, max - [...where].length))}${where}`;
}

export function truncate(text: string, max = STATUS_DESCRIPTION_MAX): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
