/**
 * Impact of a change between two commits of one repo: file rules give the candidates (fast upper bound),
 * then, in precise mode, each candidate is rendered at both commits and only devices whose intended config
 * changed keep `changed: true`. A render error on either side counts as changed: never a false negative.
 */
import type { RenderContext, Renderer, RepoKind } from '../render/renderer.ts';
import type { TemplatesSnapshot } from '../render/templatesSnapshot.ts';
import type { ImpactDevice } from './deviceIndex.ts';
import type { ImpactReason } from './resolveCandidates.ts';
import { resolveCandidates } from './resolveCandidates.ts';
import type { SettingsRule } from './settingsRules.ts';
import type { TemplateIndex } from './templateIndex.ts';
import { buildTemplateIndex, globUses } from './templateIndex.ts';
import { naturalCompare } from '../model/naturalCompare.ts';

/** What impact needs from git: the paths that differ between two commits (from the trees, not from a webhook). */
export interface ChangeSource {
  changedPaths(repo: RepoKind, before: string | null, after: string): Promise<string[]>;
}

export interface ComputeImpactInput<D extends ImpactDevice> {
  repo: RepoKind;
  /** null: no base commit (first sight of the repo): every file counts as changed. */
  before: string | null;
  after: string;
  devices: D[];
  /** Render candidates at both commits and keep only those whose config changed (default true). */
  precise?: boolean;
  /** Commit of the other repo to render with (default: the one in force). */
  otherCommit?: string;
  /** Already computed changed paths (skips the git diff). */
  changedPaths?: string[];
}

export interface ImpactedDevice<D extends ImpactDevice = ImpactDevice> {
  hostname: string;
  device: D;
  reasons: ImpactReason[];
  reasonCount: number;
  /** Precise mode: the rendered config differs (or could not be rendered). Without precise mode always true. */
  changed: boolean;
  /** Hash of the config at `after`, when it rendered. */
  hash?: string;
  /** Why rendering at `after` failed, if it did (secrets masked). */
  error?: string;
  /** Precise mode: why rendering at `before` failed; a device failing only at `after` is newly broken. */
  errorBefore?: string;
}

export interface ImpactResult<D extends ImpactDevice = ImpactDevice> {
  repo: RepoKind;
  before: string | null;
  after: string;
  precise: boolean;
  changedPaths: string[];
  unmatchedPaths: string[];
  devices: ImpactedDevice<D>[];
}

export class ImpactService {
  private readonly indexes = new WeakMap<TemplatesSnapshot, TemplateIndex>();

  constructor(
    private readonly changes: ChangeSource,
    private readonly renderer: Renderer,
    readonly rules: SettingsRule[],
  ) {}

  async computeImpact<D extends ImpactDevice>(input: ComputeImpactInput<D>): Promise<ImpactResult<D>> {
    const { repo, before, after } = input;
    const changedPaths = input.changedPaths ?? (await this.changes.changedPaths(repo, before, after));
    const other: RepoKind = repo === 'settings' ? 'templates' : 'settings';
    const at = (sha: string) => ({ [repo]: sha, [other]: input.otherCommit });
    const afterCtx = await this.renderer.context(at(after));
    const beforeCtx = before ? await this.renderer.context(at(before)).catch(() => undefined) : undefined;

    const templateIndexes = repo === 'templates' ? [afterCtx, beforeCtx].filter((c) => c !== undefined).map((c) => this.index(c.templates)) : [];
    const { candidates, unmatchedPaths } = resolveCandidates({
      repo,
      changedPaths,
      devices: input.devices,
      rules: this.rules,
      templateIndexes,
      templateGlobUses: (path) => globUses(afterCtx.templates, path),
    });

    const precise = input.precise ?? true;
    // Rendered in the render processes, all candidates of one side in one job.
    const [nows, thens] = await Promise.all([
      renderOutcomes(
        afterCtx,
        candidates.map((c) => c.device),
      ),
      precise && beforeCtx
        ? renderOutcomes(
            beforeCtx,
            candidates.map((c) => c.device),
          )
        : undefined,
    ]);
    const devices = candidates.map((c, i): ImpactedDevice<D> => {
      const base = { hostname: c.device.hostname, device: c.device, reasons: c.reasons, reasonCount: c.reasonCount };
      const now = nows[i]!;
      const detail = 'hash' in now ? { hash: now.hash } : { error: now.error };
      if (!precise) return { ...base, changed: true, ...detail };
      const then = thens?.[i];
      const changed = !then || !('hash' in then) || !('hash' in now) || then.hash !== now.hash;
      return { ...base, changed, ...detail, ...(then && 'error' in then ? { errorBefore: then.error } : {}) };
    });
    if (repo === 'settings' && beforeCtx) {
      const meaningful = contentChanged(beforeCtx, afterCtx);
      // Name first the files whose parsed content changed: a comment-only edit in the same push is not the cause.
      for (const d of devices) if (d.reasons.length > 1) d.reasons = [...d.reasons].sort((a, b) => Number(meaningful(b.path)) - Number(meaningful(a.path)));
    }
    devices.sort((a, b) => naturalCompare(a.hostname, b.hostname));
    return { repo, before, after, precise, changedPaths, unmatchedPaths, devices };
  }

  private index(snapshot: TemplatesSnapshot): TemplateIndex {
    let idx = this.indexes.get(snapshot);
    if (!idx) this.indexes.set(snapshot, (idx = buildTemplateIndex(snapshot)));
    return idx;
  }
}

function contentChanged(before: RenderContext, after: RenderContext): (path: string) => boolean {
  const memo = new Map<string, boolean>();
  return (path) => {
    let changed = memo.get(path);
    if (changed === undefined) {
      changed = JSON.stringify(before.settings.docs.get(path)) !== JSON.stringify(after.settings.docs.get(path));
      memo.set(path, changed);
    }
    return changed;
  };
}

async function renderOutcomes(ctx: RenderContext, devices: ImpactDevice[]): Promise<({ hash: string } | { error: string })[]> {
  const results = await ctx.renderMany(devices);
  return results.map((r) => (r instanceof Error ? { error: r.message } : { hash: r.hash }));
}
