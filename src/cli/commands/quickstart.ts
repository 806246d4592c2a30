/** `netsync quickstart` (what `npm start` runs): lab + example repos + daemon, and what to do next. */
import type { Command } from 'commander';
import { join, relative, resolve } from 'node:path';
import { createLogger, prettyDestination } from '../../logging/logger.ts';
import { startQuickstart } from '../../compose/quickstart.ts';
import { portNumber } from '../options.ts';

export function registerQuickstart(program: Command): void {
  program
    .command('quickstart')
    .description('run the whole loop on this machine: simulated devices, example git repos, and the daemon')
    .option('--data-dir <dir>', 'store, lab state and bare repos', '.netsync')
    .option('--work-dir <dir>', 'working clones of the example repos to edit and push', 'demo')
    .option('-p, --port <port>', 'API port (0 = any free port)', portNumber, 8080)
    .option('--lab-base-port <port>', 'first lab device port (0 = free ports)', portNumber, 0)
    .option('--auto-sync', 'sync unsynchronized devices every minute by itself')
    .action(async (flags: { dataDir: string; workDir: string; port: number; labBasePort: number; autoSync?: boolean }) => {
      const qs = await startQuickstart({
        ...flags,
        autoSync: Boolean(flags.autoSync),
        logger: createLogger('warn', process.stdout.isTTY ? await prettyDestination(1) : undefined),
      });
      const work = relative(process.cwd(), qs.workDir) || '.';
      const defaults = flags.port === 8080 && flags.dataDir === '.netsync';
      process.stdout.write(
        [
          `netsync is running at ${qs.url} with ${qs.lab.devices.length} lab devices:`,
          ...qs.lab.devices.map((d) => `  ${d.hostname.padEnd(14)} ${d.platform.padEnd(8)} 127.0.0.1:${d.port}`),
          `Web interface: ${qs.url}/ (sign in with the token in ${join(relative(process.cwd(), resolve(flags.dataDir)) || '.', 'api-token')})`,
          '',
          `The example repos' git hooks: pre-receive refuses a push netsync cannot render, post-receive prints netsync's verdict.`,
          qs.configFile.written
            ? `The config it runs with is in ${relative(process.cwd(), qs.configFile.path) || qs.configFile.path} (for netsync render/impact -c netsync.yml).`
            : `${qs.configFile.path} is your own file: left as it is (the quick start's config was not written).`,
          '',
          'Next, in another terminal in this folder:',
          ...(defaults ? [] : [`  export NETSYNC_URL=${qs.url} NETSYNC_DATA_DIR=${flags.dataDir}`]),
          ...(qs.firstRun
            ? [
                `  npx netsync sync --all --wait     # first push of every device's intended config`,
                `  cd ${work}/settings && sed -i 's/user port/staff port/' access/interfaces.yml`,
                `  git commit -qam "access: staff ports" && git push -q && cd -`,
                `  npx netsync status                # the ACCESS devices are unsynchronized: settings_changed`,
                `  npx netsync sync --all --wait     # push them; they are synchronized again`,
              ]
            : [
                // The state of the earlier run is kept: the first-run edit is already in the repo.
                `  npx netsync status                # where every device stands`,
                `  edit a file in ${work}/settings or ${work}/templates, git commit and git push`,
                `  npx netsync sync --all --wait     # push what changed`,
              ]),
          ...(flags.autoSync ? ['  (or wait: with --auto-sync the scheduler syncs unsynchronized devices every minute)'] : []),
          '',
          'ready (Ctrl-C stops everything)',
          '',
        ].join('\n'),
      );
      await new Promise<void>((resolve) => {
        const shutdown = () => {
          process.off('SIGINT', shutdown);
          process.off('SIGTERM', shutdown);
          process.stdout.write('stopping...\n');
          void qs.stop().then(resolve);
        };
        process.on('SIGINT', shutdown);
        process.on('SIGTERM', shutdown);
      });
    });
}
