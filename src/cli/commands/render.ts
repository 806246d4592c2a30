/** `netsync render HOSTNAME [--commit SHA]`: a device's intended config (secrets masked); `--all --check` for hooks and CI. */
import type { Command } from 'commander';
import { sameHostname } from '../../model/device.ts';
import { NetsyncError } from '../../model/errors.ts';
import { assertSettingsValid } from '../../render/index.ts';
import { printJson } from '../format.ts';
import type { GitOpsFlags } from './gitopsContext.ts';
import { addGitOpsOptions, loadGitOps } from './gitopsContext.ts';

interface RenderFlags extends GitOpsFlags {
  commit?: string;
  templatesCommit?: string;
  all?: boolean;
  check?: boolean;
  json?: boolean;
}

export function registerRender(program: Command): void {
  addGitOpsOptions(
    program
      .command('render [hostname]')
      .description("render a device's intended config from the settings and templates repos (secrets masked)")
      .option('--commit <sha>', 'settings commit or branch (default: the last known-good commit, else the branch head)')
      .option('--templates-commit <sha>', 'templates commit or branch (default: as for --commit)')
      .option('--all', 'render every device')
      .option('--check', 'only validate: print one line per device, exit 1 if settings are invalid or any device fails')
      .option('--json', 'machine-readable output'),
  ).action(async (hostname: string | undefined, flags: RenderFlags) => {
    if (!hostname && !flags.all) throw new NetsyncError('BAD_REQUEST', 'name a device, or pass --all');
    const { renderer, devices } = await loadGitOps(flags);
    const ctx = await renderer.context({ ...(flags.commit ? { settings: flags.commit } : {}), ...(flags.templatesCommit ? { templates: flags.templatesCommit } : {}) });
    const targets = flags.all ? devices : devices.filter((d) => sameHostname(d.hostname, hostname!));
    if (targets.length === 0) throw new NetsyncError('NOT_FOUND', `device '${hostname}' does not exist`, { hostname });

    let failed = 0;
    const problems = ctx.settings.problems.map((p) => `${p.path}: ${p.message}`);
    if (problems.length > 0 && !flags.check) assertSettingsValid(ctx.settings, ctx.settingsCommit);
    const results = targets.map((d) => {
      try {
        const r = ctx.render(d);
        return { hostname: d.hostname, hash: r.hash, config: r.masked };
      } catch (err) {
        failed++;
        return { hostname: d.hostname, error: (err as Error).message };
      }
    });
    const commits = { settingsCommit: ctx.settingsCommit, templatesCommit: ctx.templatesCommit };
    if (flags.json) printJson({ ...commits, problems, devices: flags.check ? results.map(({ config: _c, ...r }) => r) : results });
    else if (flags.check) {
      for (const p of problems) process.stdout.write(`INVALID settings ${p}\n`);
      for (const r of results) process.stdout.write('error' in r ? `FAIL ${r.error}\n` : `ok   ${r.hostname} ${r.hash}\n`);
    } else {
      for (const r of results) {
        if ('error' in r) process.stderr.write(`netsync: ${r.error}\n`);
        else process.stdout.write(`${targets.length > 1 ? `# ${r.hostname} ${r.hash}\n` : ''}${r.config}`);
      }
      if (targets.length === 1 && !('error' in results[0]!)) process.stderr.write(`# ${results[0]!.hash} (settings ${ctx.settingsCommit.slice(0, 10)}, templates ${ctx.templatesCommit.slice(0, 10)})\n`);
    }
    if (failed > 0 || problems.length > 0) process.exitCode = 1;
  });
}
