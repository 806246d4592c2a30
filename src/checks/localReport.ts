/**
 * `netsync impact --render`: the PR check's report without a daemon or a code host, so any CI system can
 * run the same check. Markdown is the PR comment's body (no size limit here); text is for terminals.
 */
import type { ImpactDevice, ImpactService } from '../impact/index.ts';
import { NetsyncError } from '../model/errors.ts';
import type { Renderer, RepoKind } from '../render/index.ts';
import { buildReport } from './buildReport.ts';
import { analyzeCommits } from './impactAnalyzer.ts';
import { markdownReport } from './markdownReport.ts';
import type { CheckReport } from './model.ts';
import { textReport } from './textReport.ts';

export const REPORT_FORMATS = ['text', 'markdown', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export async function localImpactReport<D extends ImpactDevice & { managementIp?: string }>(
  deps: { impact: ImpactService; renderer: Renderer; devices: D[] },
  repo: RepoKind,
  baseSha: string,
  headSha: string,
  format: string,
): Promise<{ output: string; report: CheckReport }> {
  if (!(REPORT_FORMATS as readonly string[]).includes(format)) {
    throw new NetsyncError('BAD_REQUEST', `--format must be one of ${REPORT_FORMATS.join(', ')}, not '${format}'`, { format });
  }
  const devices = await analyzeCommits({ impact: deps.impact, renderer: deps.renderer, devices: async () => deps.devices }, repo, baseSha, headSha);
  const report = await buildReport({ baseSha, headSha, devices }, deps.renderer.differ);
  const output =
    format === 'markdown'
      ? `${markdownReport(report, { maxChars: Number.MAX_SAFE_INTEGER })}\n`
      : format === 'json'
        ? `${JSON.stringify(report, null, 2)}\n`
        : textReport(report);
  return { output, report };
}
