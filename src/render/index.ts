/**
 * Render: settings merge + nunjucks per platform + config hash + secret masking (pure; docs/design/architecture.md §4), run in a
 * sandbox: nunjucks' runtime hooks refuse escapes (sandbox/hardenNunjucks.ts), renders run in child processes
 * with an empty env, a heap cap and a time budget (src/renderhost/; docs/guides/rendering.md).
 *
 *   new Renderer(source: SnapshotSource, {executor, secrets?, defaults?, cacheSize?, limits?})
 *     executor: where renders run, the render processes (src/renderhost: renderProcesses(budget?, processes?)).
 *   renderer.renderDevice(device, at?: {settings?: commitish, templates?: commitish})
 *     -> Promise<{hostname, config, masked, hash, entrypoint, sources, settingsCommit, templatesCommit}>
 *     `config` may hold secrets (send it to the device only); show `masked` (rendered with «secret:<name>»
 *     placeholders); mask device text with maskDeviceText(text, secretSubstitutions). Rejects with NetsyncError
 *     RENDER_FAILED (data.reason: no_platform | bad_mapping | no_type | include_cycle | template_error),
 *     TEMPLATE_FORBIDDEN (data.template, data.line), RENDER_BUDGET_EXCEEDED (data.template, data.budget:
 *     time | memory | output) or SETTINGS_INVALID.
 *   renderer.context(at) -> {settingsCommit, templatesCommit, render(device), renderMany(devices)}: parse once,
 *     render many in the render processes; renderMany resolves one result or NetsyncError per device, in order.
 *   renderer.close(): ends the render processes (the daemon on stop, the CLI on exit).
 *   renderConfig(device, {settings, templates, secrets?}) -> RenderedConfig: the pure core (runs in a render process).
 *   configHash(text) -> 'sha256:<hex>' over normalised text; maskSecrets(text, secrets); secretsFromEnv(env).
 *   Input limits (RendererOptions.limits, inputLimits.ts): files over them are problems, never parsed.
 */
export { configHash, normalizeConfig } from './configHash.ts';
export type { BoundedPatch, ConfigDiffer, PatchRequest } from './configDiff.ts';
export { boundedTwoFilesPatch, inThreadDiffer, tooLargeNote } from './configDiff.ts';
export type { InputLimits } from './inputLimits.ts';
export { MASK, maskSecrets, secretsFromEnv } from './maskSecrets.ts';
export type { SecretSubstitution } from './secretPlaceholders.ts';
export { deriveSubstitutions, valueSubstitutions } from './secretPlaceholders.ts';
export { maskDeviceText } from './maskDeviceText.ts';
export { maskSecretShapes } from './secretShapes.ts';
export type { MergedSettings, SettingsTarget } from './mergeSettings.ts';
export { mergeSettings, mergeValue, settingsLayers } from './mergeSettings.ts';
export type { RenderedConfig, RenderInputs, RenderTarget } from './renderConfig.ts';
export { renderConfig } from './renderConfig.ts';
export type { RenderAt, RenderContext, RendererOptions, RepoKind, SnapshotSource } from './renderer.ts';
export { assertSettingsValid, assertTemplatesValid, Renderer } from './renderer.ts';
export type { CommitRendered, RenderExecutor } from './renderer.ts';
export type { RenderBudget, RenderJob } from './renderJob.ts';
export { DEFAULT_RENDER_BUDGET } from './renderJob.ts';
export type { SettingsDoc, SettingsProblem, SettingsSnapshot } from './settingsSnapshot.ts';
export { isSettingsFile, parseSettings } from './settingsSnapshot.ts';
export type { PlatformTemplates, TemplatesSnapshot, TypeMapping } from './templatesSnapshot.ts';
export { parseMapping, parseTemplates } from './templatesSnapshot.ts';
export { platformOf, resolveTemplatePath } from './templatePath.ts';
