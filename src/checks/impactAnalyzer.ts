/**
 * The analyzer behind PR checks: which devices the PR's repo change selects
 * (impact file rules + include graph), then each rendered at base and at head
 * with the other repo as in force. Renders are masked (secret values) by the
 * renderer; failures carry the template and line for the status line.
 */
import type { ImpactDevice, ImpactService } from '../impact/index.ts';
import { isNetsyncError } from '../model/errors.ts';
import type { RenderContext, Renderer, RepoKind } from '../render/index.ts';
import { assertSettingsValid, assertTemplatesValid } from '../render/index.ts';
import type { CheckAnalyzer } from './checkService.ts';
import type { ImpactedDevice, RenderFailure, RenderOutcome } from './model.ts';
import type { PullRequestEvent } from './pullRequestEvent.ts';

/** Git access for PRs: which repo a PR targets, and making its commits readable. */
export interface PullRequestSource {
  repoOf(pr: PullRequestEvent): RepoKind | undefined;
  /** Fetches what is needed and returns the commit to compare the head with (the merge base). */
  prepare(repo: RepoKind, pr: PullRequestEvent): Promise<{ baseSha: string }>;
}

export interface ImpactAnalyzerDeps<D extends ImpactDevice> {
  impact: ImpactService;
  renderer: Renderer;
  source: PullRequestSource;
  /** The devices a merge would sync (MANAGED ones). */
  devices: () => Promise<D[]>;
}

export class ImpactAnalyzer<D extends ImpactDevice & { managementIp?: string }> implements CheckAnalyzer {
  constructor(private readonly deps: ImpactAnalyzerDeps<D>) {}

  accepts(pr: PullRequestEvent): boolean {
    return this.deps.source.repoOf(pr) !== undefined;
  }

  async analyze(pr: PullRequestEvent): Promise<{ baseSha: string; devices: ImpactedDevice[] }> {
    const repo = this.deps.source.repoOf(pr)!;
    const { baseSha } = await this.deps.source.prepare(repo, pr);
    return { baseSha, devices: await analyzeCommits(this.deps, repo, baseSha, pr.headSha) };
  }
}

/** The devices a change between two commits of one repo selects, each rendered at both (also `netsync impact --render`). */
export async function analyzeCommits<D extends ImpactDevice & { managementIp?: string }>(
  deps: { impact: ImpactService; renderer: Renderer; devices: () => Promise<D[]> },
  repo: RepoKind,
  baseSha: string,
  headSha: string,
): Promise<ImpactedDevice[]> {
  const [headCtx, baseCtx] = await Promise.all([deps.renderer.context({ [repo]: headSha }), deps.renderer.context({ [repo]: baseSha })]);
  // Settings that do not validate would be refused on push: the check fails the same way.
  if (repo === 'settings') assertSettingsValid(headCtx.settings, headSha);
  else assertTemplatesValid(headCtx.templates, headSha);

  const result = await deps.impact.computeImpact({ repo, before: baseSha, after: headSha, devices: await deps.devices(), precise: false });
  const impacted = result.devices.map((c) => c.device);
  const [befores, afters] = await Promise.all([renderOutcomes(baseCtx, impacted), renderOutcomes(headCtx, impacted)]);
  return result.devices.map((c, i): ImpactedDevice => {
    const more = c.reasonCount > 1 ? ` (+${c.reasonCount - 1} more)` : '';
    return {
      hostname: c.device.hostname,
      type: c.device.type,
      platform: c.device.platform,
      reason: `${repo} ${c.reasons[0]?.path ?? ''}${more}`.trim(),
      before: befores[i]!,
      after: afters[i]!,
    };
  });
}

async function renderOutcomes(ctx: RenderContext, devices: (ImpactDevice & { managementIp?: string })[]): Promise<RenderOutcome[]> {
  const results = await ctx.renderMany(devices);
  return results.map((r, i): RenderOutcome =>
    r instanceof Error ? { ok: false, error: renderFailure(r, devices[i]!.platform, ctx.templates.files) } : { ok: true, config: r.masked, hash: r.hash },
  );
}

const LOCATION = /\(([^()\s]+)\) \[Line (\d+), Column \d+\]( Template render error)?/;

/**
 * Reads nunjucks' error text into message, template and line. nunjucks wraps an error once per template
 * it passes through and names the wrong include in the inner wrappers, so the first location with a
 * line is the one to trust. Its runtime errors count lines from 0 (parse errors from 1); we report from 1.
 * Some errors ("filter not found") carry no line: then the templates are searched for the name.
 */
export function renderFailure(err: unknown, platform: string, files?: Map<string, string>): RenderFailure {
  const text = (err as Error).message ?? String(err);
  const data = isNetsyncError(err) ? err.data : {};
  // The sandbox and the budgets name the template (and line) themselves.
  if (typeof data.template === 'string')
    return { message: text.replace(/^[^:]+: /, ''), template: data.template, ...(typeof data.line === 'number' ? { line: data.line } : {}) };
  const message =
    text
      .replace(/^[^:]+: rendering \S+ failed: /, '')
      .split(/Template render error: /)
      .at(-1)!
      .replace(new RegExp(LOCATION.source, 'g'), '')
      .replace(/\([^()\s]+\)\s*/g, '')
      .replace(/^\s*(Error: )?/, '')
      .trim() || text;
  const at = LOCATION.exec(text);
  if (at) return { message, template: at[1]!, line: Number(at[2]) + (at[3] ? 1 : 0) };
  const found = files ? findName(message, platform, files) : undefined;
  if (found) return { message, ...found };
  const template = typeof data.entrypoint === 'string' ? `${platform}/${data.entrypoint}` : undefined;
  return { message, ...(template ? { template } : {}) };
}

/** Where a filter or function the error names is used: the first line in the platform's templates. */
function findName(message: string, platform: string, files: Map<string, string>): { template: string; line: number } | undefined {
  const filter = /filter not found: ([\w.]+)/.exec(message)?.[1];
  const call = /Unable to call `([\w.]+)`/.exec(message)?.[1];
  const name = filter ?? call;
  if (!name) return undefined;
  const escaped = name.replace(/\./g, '\\.');
  const use = filter ? new RegExp(`\\|\\s*${escaped}\\b`) : new RegExp(`\\b${escaped}\\s*\\(`);
  for (const [path, source] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    if (!path.startsWith(`${platform}/`)) continue;
    const index = source.split('\n').findIndex((l) => use.test(l));
    if (index >= 0) return { template: path, line: index + 1 };
  }
  return undefined;
}
