/**
 * Render: settings merge + nunjucks per platform + config hash + secret masking (pure; docs/design/architecture.md §4).
 *
 *   new Renderer(source: SnapshotSource, {secrets?, defaults?, cacheSize?})
 *   renderer.renderDevice(device, at?: {settings?: commitish, templates?: commitish})
 *     -> Promise<{hostname, config, masked, hash, entrypoint, sources, settingsCommit, templatesCommit}>
 *     `config` may hold secrets (send it to the device only); show `masked`. Throws NetsyncError
 *     RENDER_FAILED (data.reason: no_platform | bad_mapping | no_type | include_cycle | template_error) or SETTINGS_INVALID.
 *   renderer.context(at) -> {settingsCommit, templatesCommit, render(device)}: parse once, render many (sync).
 *   renderConfig(device, {settings, templates, secrets?}) -> RenderedConfig: the pure core.
 *   configHash(text) -> 'sha256:<hex>' over normalised text; maskSecrets(text, secrets); secretsFromEnv(env).
 */
export { configHash, normalizeConfig } from './configHash.ts';
export { MASK, maskSecrets, secretsFromEnv } from './maskSecrets.ts';
export type { MergedSettings, SettingsTarget } from './mergeSettings.ts';
export { mergeSettings, mergeValue, settingsLayers } from './mergeSettings.ts';
export type { RenderedConfig, RenderInputs, RenderTarget } from './renderConfig.ts';
export { renderConfig } from './renderConfig.ts';
export type { RenderAt, RenderContext, RendererOptions, RepoKind, SnapshotSource } from './renderer.ts';
export { assertSettingsValid, Renderer } from './renderer.ts';
export type { SettingsDoc, SettingsProblem, SettingsSnapshot } from './settingsSnapshot.ts';
export { isSettingsFile, parseSettings } from './settingsSnapshot.ts';
export type { PlatformTemplates, TemplatesSnapshot, TypeMapping } from './templatesSnapshot.ts';
export { parseMapping, parseTemplates } from './templatesSnapshot.ts';
export { platformOf, resolveTemplatePath } from './templatePath.ts';
