/** `netsync impact --repo settings --from A --to B`: which devices a change affects, why, and whether their config changes. */
import Table from 'cli-table3';
import type { Command } from 'commander';
import type { ImpactResult } from '../../impact/index.ts';
import { pushProblems } from '../../impact/index.ts';
import { localImpactReport } from '../../checks/localReport.ts';
import { NetsyncError } from '../../model/errors.ts';
import type { RepoKind } from '../../render/index.ts';
import { printJson } from '../format.ts';
import type { GitOpsFlags } from '../../compose/gitopsContext.ts';
import type { CliGitOps } from '../../compose/gitopsContext.ts';
import { addGitOpsOptions, loadGitOps } from '../../compose/gitopsContext.ts';

interface ImpactFlags extends GitOpsFlags {
  repo: string;
  from?: string;
  to?: string;
  precise: boolean;
  json?: boolean;
  render?: boolean;
  format: string;
}

export function renderImpactTable(result: ImpactResult): string {
  const table = new Table({
    head: ['HOSTNAME', 'CONFIG', 'BECAUSE'],
    style: { head: [], border: [], compact: true },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const d of result.devices) {
    const why = `${d.reasons[0]!.path} (${d.reasons[0]!.rule})${d.reasonCount > 1 ? ` +${d.reasonCount - 1}` : ''}`;
    table.push([d.hostname, d.error ? 'FAILS' : result.precise ? (d.changed ? 'changes' : 'unchanged') : 'may change', why]);
  }
  const changed = result.devices.filter((d) => d.changed).length;
  const lines = [
    `${result.repo} ${result.before?.slice(0, 10) ?? '(none)'}..${result.after.slice(0, 10)}: ${result.changedPaths.length} ${result.changedPaths.length === 1 ? 'path' : 'paths'} changed`,
    result.devices.length > 0 ? table.toString() : '(no device affected)',
    `${result.devices.length} devices touched, ${changed} ${result.precise ? 'with a changed config' : 'candidates (not rendered)'}`,
  ];
  if (result.unmatchedPaths.length > 0) lines.push(`paths no rule covers: ${result.unmatchedPaths.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

function renderVerdict(problems: string[], before: string | null): string {
  if (problems.length === 0) return '';
  const lines = [
    `REJECTED: netsync would refuse this push (${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}):`,
    ...problems.map((p) => `  - ${p}`),
  ];
  if (before) lines.push(`the last known-good commit ${before.slice(0, 10)} would stay in force`);
  return `${lines.join('\n')}\n`;
}

export function registerImpact(program: Command): void {
  addGitOpsOptions(
    program
      .command('impact')
      .description('show which devices a change between two commits affects (file rules, include graph, then rendering)')
      .requiredOption('--repo <repo>', 'settings or templates')
      .option('--from <commit>', 'base commit (default: the last known-good commit)')
      .option('--to <commit>', 'new commit (default: the branch head)')
      .option('--no-precise', 'skip rendering: list every candidate the file rules select')
      .option('--json', 'machine-readable output')
      .option('--render', 'render every affected device at both commits and show its config diff, as the PR check does (exit 1 if one fails)')
      .option('--format <format>', 'with --render: text, markdown (the PR comment) or json', 'text'),
  ).action(async (flags: ImpactFlags) => {
    if (flags.repo !== 'settings' && flags.repo !== 'templates')
      throw new NetsyncError('BAD_REQUEST', `--repo must be settings or templates, not '${flags.repo}'`);
    const repo = flags.repo as RepoKind;
    const { gitops, devices, renderer } = await loadGitOps(flags);
    // The render processes end with the command.
    try {
      await impactCommand(flags, repo, gitops, devices, renderer);
    } finally {
      await renderer.close();
    }
  });
}

async function impactCommand(
  flags: ImpactFlags,
  repo: RepoKind,
  gitops: CliGitOps['gitops'],
  devices: CliGitOps['devices'],
  renderer: CliGitOps['renderer'],
): Promise<void> {
  if (!gitops) throw new NetsyncError('BAD_REQUEST', 'impact needs repos in the config (-c netsync.yml with a repos section)');
  const git = gitops.gitRepos[repo];
  const before = flags.from ? await git.resolve(flags.from) : await gitops.repoSet.resolve(repo);
  const after = await git.resolve(flags.to);
  if (flags.render) {
    const { output, report } = await localImpactReport({ impact: gitops.impact, renderer, devices }, repo, before, after, flags.json ? 'json' : flags.format);
    process.stdout.write(output);
    if (report.conclusion === 'failure') process.exitCode = 1;
    return;
  }
  const result = await gitops.impact.computeImpact({ repo, before, after, devices, precise: flags.precise });
  // Judged as the daemon and the pre-receive hook judge a push, so a green `impact` means an accepted push.
  const settingsProblems = repo === 'settings' ? (await renderer.settingsAt(after)).problems : [];
  const problems = pushProblems({ settingsProblems, devices: result.devices, baseline: !before });
  if (flags.json)
    printJson({ ...result, devices: result.devices.map(({ device: _d, ...rest }) => rest), verdict: problems.length > 0 ? 'rejected' : 'accepted', problems });
  else process.stdout.write(renderImpactTable(result) + renderVerdict(problems, before));
  if (problems.length > 0) process.exitCode = 1;
}
