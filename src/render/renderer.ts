/**
 * The render service later modules reuse (PR checks render base vs head, syncto renders intended configs).
 * It reads repos through a `SnapshotSource` (the git mirrors implement it) and keeps the last few parsed
 * commit pairs (for impact indexes and settings problems); the renders themselves run in render processes
 * (workerPool.ts), which parse each commit once per process, under the same input limits.
 */
import { isNetsyncError, NetsyncError } from '../model/errors.ts';
import type { RenderedConfig, RenderTarget } from './renderConfig.ts';
import type { InputLimits } from './inputLimits.ts';
import { DEFAULT_INPUT_LIMITS } from './inputLimits.ts';
import type { SettingsDoc, SettingsSnapshot } from './settingsSnapshot.ts';
import { parseSettings } from './settingsSnapshot.ts';
import type { TemplatesSnapshot } from './templatesSnapshot.ts';
import { parseTemplates } from './templatesSnapshot.ts';
import type { RenderJob } from './renderJob.ts';
import type { ConfigDiffer } from './configDiff.ts';
import { inThreadDiffer } from './configDiff.ts';

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
  /**
   * Renders one device in a worker; rejects with NetsyncError RENDER_FAILED, TEMPLATE_FORBIDDEN or
   * RENDER_BUDGET_EXCEEDED. Calls made in the same tick share worker tasks.
   */
  render(device: RenderTarget): Promise<CommitRendered>;
  /** One result per device, in order: the render or the error that stopped it (never rejects for a device). */
  renderMany(devices: RenderTarget[]): Promise<(CommitRendered | NetsyncError)[]>;
}

export type CommitRendered = RenderedConfig & { settingsCommit: string; templatesCommit: string };

/** Runs render jobs; the render process pool in production. */
export interface RenderExecutor {
  renderMany(job: RenderJob): Promise<(RenderedConfig | NetsyncError)[]>;
  /** Parses a commit off this thread (the render processes); without it the renderer parses here. */
  parseSettings?(sha: string, files: Map<string, string>, limits: InputLimits): Promise<SettingsSnapshot>;
  parseTemplates?(sha: string, files: Map<string, string>, limits: InputLimits): Promise<TemplatesSnapshot>;
  /** Runs config diffs off this thread (the render processes) under the configured diff budget. */
  differ?: ConfigDiffer;
  close(): Promise<void>;
}

export interface RendererOptions {
  secrets?: Record<string, string>;
  defaults?: SettingsDoc;
  /** Parsed snapshots kept per repo (default 8). */
  cacheSize?: number;
  /**
   * Where renders run: the render processes (src/renderhost: renderProcesses(budget, processes)), which hold
   * the time, memory and output budgets. The renderer closes it on close().
   */
  executor: RenderExecutor;
  /** Adds the inventory's network data to targets that carry none (the daemon reads it from the store). */
  withNetwork?: (targets: RenderTarget[]) => Promise<RenderTarget[]>;
  /** Size, YAML alias and depth limits on what is parsed (default DEFAULT_INPUT_LIMITS). */
  limits?: InputLimits;
}

export class Renderer {
  private readonly settingsCache = new Map<string, Promise<SettingsSnapshot>>();
  private readonly templatesCache = new Map<string, Promise<TemplatesSnapshot>>();
  private lastSettings: SettingsSnapshot | undefined;

  constructor(
    private readonly source: SnapshotSource,
    private readonly options: RendererOptions,
  ) {}

  get secrets(): Record<string, string> {
    return this.options.secrets ?? {};
  }

  async context(at: RenderAt = {}): Promise<RenderContext> {
    const [settingsCommit, templatesCommit] = await Promise.all([this.source.resolve('settings', at.settings), this.source.resolve('templates', at.templates)]);
    const [settings, templates] = await Promise.all([this.settingsAt(settingsCommit), this.templatesAt(templatesCommit)]);
    const renderMany = async (targets: RenderTarget[]): Promise<(CommitRendered | NetsyncError)[]> => {
      const devices = this.options.withNetwork ? await this.options.withNetwork(targets) : targets;
      const results = await this.executor.renderMany({
        settings: { sha: snapshotKey(settingsCommit, settings.files), files: settings.files },
        templates: { sha: snapshotKey(templatesCommit, templates.files), files: templates.files },
        devices: devices.map(renderTarget),
        secrets: this.secrets,
        limits: this.options.limits ?? DEFAULT_INPUT_LIMITS,
        ...(this.options.defaults ? { defaults: this.options.defaults } : {}),
        templateOf: (d) => `${d.platform}/${templates.platforms.get(d.platform)?.types.get(d.type.toUpperCase())?.entrypoint ?? '?'}`,
      });
      return results.map((r) => (isNetsyncError(r) ? r : { ...r, settingsCommit, templatesCommit }));
    };
    return { settingsCommit, templatesCommit, settings, templates, renderMany, render: coalesce(renderMany) };
  }

  /** Renders one device; settings problems in the files it merges make the render fail (SETTINGS_INVALID). */
  async renderDevice(device: RenderTarget, at: RenderAt = {}): Promise<CommitRendered> {
    const ctx = await this.context(at);
    assertSettingsValid(ctx.settings, ctx.settingsCommit);
    assertTemplatesValid(ctx.templates, ctx.templatesCommit);
    return ctx.render(device);
  }

  /**
   * Where config diffs run, under netsync.yml render.diffTimeoutMs: the render processes (so no diff holds
   * this thread); on this thread, with the default budget, only for an executor that cannot diff.
   */
  get differ(): ConfigDiffer {
    return this.options.executor.differ ?? inThreadDiffer();
  }

  /** Ends the render processes (the daemon on stop, the CLI on exit); a later render starts them again. */
  async close(): Promise<void> {
    await this.options.executor.close();
  }

  private get executor(): RenderExecutor {
    return this.options.executor;
  }

  /** A commit's settings, parsed in a render process (where the renders of this commit find it again). */
  settingsAt(sha: string): Promise<SettingsSnapshot> {
    return cached(this.settingsCache, sha, this.options.cacheSize, async () => {
      const files = await this.source.files('settings', sha);
      const limits = this.options.limits ?? DEFAULT_INPUT_LIMITS;
      const executor = this.executor;
      if (executor.parseSettings) return executor.parseSettings(snapshotKey(sha, files), files, limits);
      this.lastSettings = parseSettings(files, this.lastSettings, limits);
      return this.lastSettings;
    });
  }

  templatesAt(sha: string): Promise<TemplatesSnapshot> {
    return cached(this.templatesCache, sha, this.options.cacheSize, async () => {
      const files = await this.source.files('templates', sha);
      const limits = this.options.limits ?? DEFAULT_INPUT_LIMITS;
      const executor = this.executor;
      return executor.parseTemplates ? executor.parseTemplates(snapshotKey(sha, files), files, limits) : parseTemplates(files, limits);
    });
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

/** Only what a render reads crosses to the worker (a store device carries much more). */
function renderTarget(d: RenderTarget): RenderTarget {
  return {
    hostname: d.hostname,
    type: d.type,
    platform: d.platform,
    groups: d.groups,
    ...(d.managementIp !== undefined ? { managementIp: d.managementIp } : {}),
    ...(d.network !== undefined ? { network: d.network } : {}),
  };
}

/** Single-device renders asked for in the same tick go to the workers as one job. */
function coalesce(renderMany: (devices: RenderTarget[]) => Promise<(CommitRendered | NetsyncError)[]>): (device: RenderTarget) => Promise<CommitRendered> {
  let pending: { device: RenderTarget; resolve: (r: CommitRendered) => void; reject: (e: unknown) => void }[] | undefined;
  const flush = () => {
    const batch = pending!;
    pending = undefined;
    renderMany(batch.map((p) => p.device)).then(
      (results) => results.forEach((r, i) => (isNetsyncError(r) ? batch[i]!.reject(r) : batch[i]!.resolve(r))),
      (err: unknown) => batch.forEach((p) => p.reject(err)),
    );
  };
  return (device) =>
    new Promise<CommitRendered>((resolve, reject) => {
      if (!pending) {
        pending = [];
        queueMicrotask(flush);
      }
      pending.push({ device, resolve, reject });
    });
}

const snapshotIds = new WeakMap<Map<string, string>, number>();
let nextSnapshotId = 0;

/**
 * What the workers cache a parse under: the commit plus which file map it is, since a sha alone is not unique
 * here (a folder overlay's WORKTREE, test fixtures) and the workers are shared by every renderer of the process.
 */
function snapshotKey(sha: string, files: Map<string, string>): string {
  let id = snapshotIds.get(files);
  if (id === undefined) snapshotIds.set(files, (id = nextSnapshotId++));
  return `${sha}#${id}`;
}
