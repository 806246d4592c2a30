/**
 * Whether a push is accepted, judged the same way by the daemon's intake, the pre-receive hook and
 * `netsync impact`: settings problems in any file a rule can merge, or a device that rendered at the
 * commit in force and does not at the new one. A device failing at both commits is not the push's fault:
 * it keeps one open `render_failed` state instead (see `stuckDevices`).
 */
import type { ImpactedDevice } from './computeImpact.ts';

export interface SettingsProblemLike {
  path: string;
  message: string;
}

export interface PushVerdictInput {
  /** Problems of the settings snapshot at the new commit (settings pushes only). */
  settingsProblems?: SettingsProblemLike[];
  devices: Pick<ImpactedDevice, 'error' | 'errorBefore'>[];
  /** First sight of the repo: no commit in force, so nothing can be "newly" broken. */
  baseline: boolean;
}

export function pushProblems(input: PushVerdictInput): string[] {
  const problems = (input.settingsProblems ?? []).map((p) => `${p.path}: ${p.message}`);
  if (!input.baseline) for (const d of input.devices) if (d.error && !d.errorBefore) problems.push(d.error);
  return problems;
}

/** Devices that fail to render at both commits: their state is "cannot render", not "changed by this push". */
export function stuckDevices<D extends Pick<ImpactedDevice, 'error' | 'errorBefore'>>(devices: D[]): D[] {
  return devices.filter((d) => d.error !== undefined && d.errorBefore !== undefined);
}
