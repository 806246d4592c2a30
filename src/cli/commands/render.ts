/**
 * `netsync render HOSTNAME [--commit SHA]`: a device's intended config (secrets masked); `--all --check` for
 * CI, and `--changed FILE --repo R` for the pre-receive hook (only the devices the changed paths affect).
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { buildTemplateIndex, globUses, resolveCandidates } from '../../impact/index.ts';
import type { SettingsRule } from '../../impact/index.ts';
import type { Device } from '../../model/device.ts';
import { sameHostname } from '../../model/device.ts';
import { NetsyncError } from '../../model/errors.ts';
import type { RenderContext, RepoKind } from '../../render/index.ts';
import { assertSettingsValid, assertTemplatesValid } from '../../render/index.ts';
import { printJson } from '../format.ts';
import type { CliGitOps, GitOpsFlags } from '../../compose/gitopsContext.ts';
import { addGitOpsOptions, loadGitOps } from '../../compose/gitopsContext.ts';

interface RenderFlags extends GitOpsFlags {
  commit?: string;
  templatesCommit?: string;
  all?: boolean;
  check?: boolean;
  json?: boolean;
  changed?: string;
  repo?: string;
}

export function registerRender(program: Command): void {
  addGitOpsOptions(
    program
      .command('render [hostname]')
      .description("render a device's intended config from the settings and templates repos (secrets masked)")
      .option('--commit <sha>', 'settings commit or branch (default: the last known-good commit, else the branch head)')
      .option('--templates-commit <sha>', 'templates commit or branch (default: as for --commit)')
      .option('--all', 'render every device')
      .option('--changed <file>', 'render only the devices these changed paths of --repo affect (a file, one per line)')
      .option('--repo <repo>', 'with --changed: settings or templates')
      .option('--check', 'only validate: print one line per device, exit 1 if settings are invalid or any device fails')
      .option('--json', 'machine-readable output'),
  ).action(async (hostname: string | undefined, flags: RenderFlags) => {
    if (!hostname && !flags.all && !flags.changed) throw new NetsyncError('BAD_REQUEST', 'name a device, or pass --all or --changed');
    if (flags.changed && flags.repo !== 'settings' && flags.repo !== 'templates')
      throw new NetsyncError('BAD_REQUEST', `--changed needs --repo settings or templates, not '${flags.repo ?? ''}'`);
    const changedPaths = flags.changed ? await readChanged(flags.changed) : undefined;
    const { renderer, devices, rules } = await loadGitOps(flags);
    try {
      await renderCommand(flags, hostname, changedPaths, renderer, devices, rules);
    } finally {
      await renderer.close(); // the render processes end with the command
    }
  });
}

async function renderCommand(
  flags: RenderFlags,
  hostname: string | undefined,
  changedPaths: string[] | undefined,
  renderer: CliGitOps['renderer'],
  devices: Device[],
  rules: SettingsRule[],
): Promise<void> {
  const ctx = await renderer.context({
    ...(flags.commit ? { settings: flags.commit } : {}),
    ...(flags.templatesCommit ? { templates: flags.templatesCommit } : {}),
  });
  const targets = changedPaths
    ? affected(flags.repo as RepoKind, changedPaths, devices, rules, ctx)
    : flags.all
      ? devices
      : devices.filter((d) => sameHostname(d.hostname, hostname!));
  if (targets.length === 0 && !changedPaths) throw new NetsyncError('NOT_FOUND', `device '${hostname}' does not exist`, { hostname });

  let failed = 0;
  const problems = ctx.settings.problems.map((p) => `${p.path}: ${p.message}`);
  const templateProblems = ctx.templates.problems.map((p) => `${p.path}: ${p.message}`);
  if (problems.length > 0 && !flags.check) assertSettingsValid(ctx.settings, ctx.settingsCommit);
  if (templateProblems.length > 0 && !flags.check) assertTemplatesValid(ctx.templates, ctx.templatesCommit);
  const rendered = await ctx.renderMany(targets);
  const results = targets.map((d, i) => {
    const r = rendered[i]!;
    if (r instanceof Error) {
      failed++;
      return { hostname: d.hostname, error: r.message };
    }
    return { hostname: d.hostname, hash: r.hash, config: r.masked };
  });
  const commits = { settingsCommit: ctx.settingsCommit, templatesCommit: ctx.templatesCommit };
  if (flags.json)
    printJson({ ...commits, problems: [...problems, ...templateProblems], devices: flags.check ? results.map(({ config: _c, ...r }) => r) : results });
  else if (flags.check) {
    for (const p of problems) process.stdout.write(`INVALID settings ${p}\n`);
    for (const p of templateProblems) process.stdout.write(`INVALID templates ${p}\n`);
    for (const r of results) process.stdout.write('error' in r ? `FAIL ${r.error}\n` : `ok   ${r.hostname} ${r.hash}\n`);
  } else {
    for (const r of results) {
      if ('error' in r) process.stderr.write(`netsync: ${r.error}\n`);
      else process.stdout.write(`${targets.length > 1 ? `# ${r.hostname} ${r.hash}\n` : ''}${r.config}`);
    }
    if (targets.length === 1 && !('error' in results[0]!))
      process.stderr.write(`# ${results[0]!.hash} (settings ${ctx.settingsCommit.slice(0, 10)}, templates ${ctx.templatesCommit.slice(0, 10)})\n`);
  }
  if (failed > 0 || problems.length > 0 || templateProblems.length > 0) process.exitCode = 1;
}

async function readChanged(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8').catch((err: Error) => {
    throw new NetsyncError('BAD_REQUEST', `cannot read the changed paths from ${file}: ${err.message}`, { path: file });
  });
  return text.split('\n').filter((line) => line !== '');
}

/**
 * The file-rule upper bound at the rendered tree. Only that tree is known here (no index of the old one), so
 * a deleted template or mapping.yml, which no index of the new tree lists, counts for every device of its
 * platform folder (of every platform at the root): never a device the change could break left out.
 */
function affected(repo: RepoKind, changedPaths: string[], devices: Device[], rules: SettingsRule[], ctx: RenderContext): Device[] {
  const templateIndexes = repo === 'templates' ? [buildTemplateIndex(ctx.templates)] : [];
  const { candidates } = resolveCandidates({ repo, changedPaths, devices, rules, templateIndexes, templateGlobUses: (path) => globUses(ctx.templates, path) });
  const picked = new Set(candidates.map((c) => c.device));
  if (repo === 'templates') {
    for (const path of changedPaths.filter((p) => !ctx.templates.files.has(p))) {
      const platform = path.includes('/') ? path.slice(0, path.indexOf('/')) : undefined;
      for (const d of devices) if (platform === undefined || d.platform === platform) picked.add(d);
    }
  }
  return devices.filter((d) => picked.has(d));
}
