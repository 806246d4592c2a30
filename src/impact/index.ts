/**
 * Impact: from changed paths to the exact set of affected devices (pure; docs/design/architecture.md §4).
 *
 *   new ImpactService(changes: ChangeSource, renderer: Renderer, rules: SettingsRule[])
 *   impact.computeImpact({repo, before, after, devices, precise?, otherCommit?, changedPaths?})
 *     -> Promise<{repo, before, after, precise, changedPaths, unmatchedPaths,
 *                 devices: [{hostname, device, reasons: [{path, rule}], reasonCount, changed, hash?, error?}]}>
 *   resolveCandidates({repo, changedPaths, devices, rules?, templateIndexes?}) -> {candidates, unmatchedPaths}
 *     the synchronous file-rule upper bound (no rendering), for callers that only need candidates.
 *   parseSettingsRules(yamlText) -> SettingsRule[]   (mapping/settings.yml)
 *   buildTemplateIndex(templatesSnapshot) -> Map<path, [{platform, type, via}]>
 */
export type { ChangeSource, ComputeImpactInput, ImpactedDevice, ImpactResult } from './computeImpact.ts';
export { ImpactService } from './computeImpact.ts';
export type { ImpactDevice } from './deviceIndex.ts';
export { DeviceIndex } from './deviceIndex.ts';
export { templateClosure, templateReferences } from './includeGraph.ts';
export type { PushVerdictInput, SettingsProblemLike } from './pushVerdict.ts';
export { pushProblems, stuckDevices } from './pushVerdict.ts';
export type { Candidate, CandidateInput, CandidateResult, ImpactReason, ImpactRepo } from './resolveCandidates.ts';
export { MAX_REASONS, resolveCandidates } from './resolveCandidates.ts';
export type { Selector, SettingsRule } from './settingsRules.ts';
export { compilePathPattern, parseSettingsRules, selectorKey, selectorsFor } from './settingsRules.ts';
export type { TemplateIndex, TemplateUse, TemplateVia } from './templateIndex.ts';
export { buildTemplateIndex, globUses } from './templateIndex.ts';
