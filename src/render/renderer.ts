/**
 * The render service later modules reuse (PR checks render base vs head, syncto renders intended configs).
 * It reads repos through a `SnapshotSource` (the git mirrors implement it) and keeps the last few parsed
 * commit pairs, so rendering thousands of devices parses each commit once.
 */
import { NetsyncError } from '../model/errors.ts';
import type { RenderedConfig, RenderTarget } from './renderConfig.ts';
import { renderConfig } from './renderConfig.ts';
import type { InputLimits } from './inputLimits.ts';
import type { SettingsDoc, SettingsSnapshot } from './settingsSnapshot.ts';
import { parseSettings } from './settingsSnapshot.ts';
import type { TemplatesSnapshot } from './templatesSnapshot.ts';
import { parseTemplates } from './templatesSnapshot.ts';

export type RepoKind = 'settings' | 'templates';

/** Read access to the two repos; commit-ish may be a sha, a branch, or undefined for the one in force. */
export interface SnapshotSource {
  resolve(repo: RepoKind, commitish?: string): Promise<string>;
  files(repo: RepoKind, sha: string): Promise<Map<string, string>>;
}

/** Which commit of each repo to render; either may be left out (the commit in force is used). */
export interface RenderAt {
  settings?: string;
  templates?: string;
}

export interface RenderContext {
  settingsCommit: string;
  templatesCommit: string;
  settings: SettingsSnapshot;
  templates: TemplatesSnapshot;
  /** Synchronous render of one device; throws NetsyncError RENDER_FAILED. */
  render(device: RenderTarget): RenderedConfig & { settingsCommit: string; templatesCommit: string };
}

export interface RendererOptions {
  secrets?: Record<string, string>;
  defaults?: SettingsDoc;
  /** Parsed snapshots kept per repo (default 8). */
  cacheSize?: number;
  /** Size, YAML alias and depth limits on what is parsed (default DEFAULT_INPUT_LIMITS). */
  limits?: InputLimits;
}

export class Renderer {
  private readonly settingsCache = new Map<string, Promise<SettingsSnapshot>>();
  private readonly templatesCache = new Map<string, Promise<TemplatesSnapshot>>();
  private lastSettings: SettingsSnapshot | undefined;

  constructor(
    private readonly source: SnapshotSource,
    private readonly options: RendererOptions = {},
  ) {}

  get secrets(): Record<string, string> {
    return this.options.secrets ?? {};
  }

  async context(at: RenderAt = {}): Promise<RenderContext> {
    const [settingsCommit, templatesCommit] = await Promise.all([
      this.source.resolve('settings', at.settings),
      this.source.resolve('templates', at.templates),
    ]);
    const [settings, templates] = await Promise.all([this.settingsAt(settingsCommit), this.templatesAt(templatesCommit)]);
    const inputs = { settings, templates, ...(this.options.secrets ? { secrets: this.options.secrets } : {}), ...(this.options.defaults ? { defaults: this.options.defaults } : {}) };
    return {
      settingsCommit,
      templatesCommit,
      settings,
      templates,
      render: (device) => ({ ...renderConfig(device, inputs), settingsCommit, templatesCommit }),
    };
  }

  /** Renders one device; settings problems in the files it merges make the render fail (SETTINGS_INVALID). */
  async renderDevice(device: RenderTarget, at: RenderAt = {}): Promise<RenderedConfig & { settingsCommit: string; templatesCommit: string }> {
    const ctx = await this.context(at);
    assertSettingsValid(ctx.settings, ctx.settingsCommit);
    assertTemplatesValid(ctx.templates, ctx.templatesCommit);
    return ctx.render(device);
  }

  settingsAt(sha: string): Promise<SettingsSnapshot> {
    return cached(this.settingsCache, sha, this.options.cacheSize, async () => {
      this.lastSettings = parseSettings(await this.source.files('settings', sha), this.lastSettings, this.options.limits);
      return this.lastSettings;
    });
  }

  templatesAt(sha: string): Promise<TemplatesSnapshot> {
    return cached(this.templatesCache, sha, this.options.cacheSize, async () => parseTemplates(await this.source.files('templates', sha), this.options.limits));
  }
}

export function assertSettingsValid(settings: SettingsSnapshot, commit: string): void {
  if (settings.problems.length === 0) return;
  const first = settings.problems[0]!;
  throw new NetsyncError(
    'SETTINGS_INVALID',
    `settings at ${commit.slice(0, 10)} are invalid: ${first.path}: ${first.message}${settings.problems.length > 1 ? ` (and ${settings.problems.length - 1} more)` : ''}`,
    { commit, problems: settings.problems },
  );
}

/** Templates over the input limits (file or repo size): refused like invalid settings (TEMPLATES_INVALID). */
export function assertTemplatesValid(templates: TemplatesSnapshot, commit: string): void {
  if (templates.problems.length === 0) return;
  const first = templates.problems[0]!;
  throw new NetsyncError(
    'TEMPLATES_INVALID',
    `templates at ${commit.slice(0, 10)} are refused: ${first.path}: ${first.message}${templates.problems.length > 1 ? ` (and ${templates.problems.length - 1} more)` : ''}`,
    { commit, problems: templates.problems },
  );
}

function cached<T>(cache: Map<string, Promise<T>>, key: string, size = 8, load: () => Promise<T>): Promise<T> {
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const p = load();
  p.catch(() => cache.delete(key));
  cache.set(key, p);
  while (cache.size > size) cache.delete(cache.keys().next().value!);
  return p;
}
