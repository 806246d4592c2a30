/**
 * What `netsync render` and `netsync impact` need, built without a daemon: the repos from netsync.yml (or
 * plain folders, as the pre-receive hook passes them), and the devices (an inventory file, the store, or
 * the config's seed inventory).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadConfig } from '../config/load.ts';
import { readDirFiles } from '../git/readDirFiles.ts';
import type { SettingsRule } from '../impact/index.ts';
import { parseSettingsRules } from '../impact/index.ts';
import { createGitOps, DEFAULT_RULES_FILE, inputLimits } from './createGitOps.ts';
import type { GitOps } from './createGitOps.ts';
import { readInventoryFile } from '../inventory/inventoryFile.ts';
import type { Device } from '../model/device.ts';
import { buildDevice, hostnameKey } from '../model/device.ts';
import { networkContexts } from '../inventory/networkContext.ts';
import type { Store } from '../model/store.ts';
import { NetsyncError } from '../model/errors.ts';
import type { RepoKind, SnapshotSource } from '../render/index.ts';
import { renderProcesses } from '../renderhost/index.ts';
import { Renderer, secretsFromEnv } from '../render/index.ts';
import { renderBudget } from '../render/configSchema.ts';
import { buildStore, lowdbStorePath } from './openStore.ts';

export interface GitOpsFlags {
  config?: string;
  inventory?: string;
  settingsDir?: string;
  templatesDir?: string;
}

export function addGitOpsOptions(cmd: Command): Command {
  return cmd
    .option('-c, --config <file>', 'netsync.yml naming the repos (env NETSYNC_CONFIG; default ./netsync.yml when there is one)')
    .option('--inventory <file>', 'devices from this inventory file (default: the daemon store, else inventory.seed)')
    .option('--settings-dir <dir>', 'use this folder as the settings repo (e.g. a checkout)')
    .option('--templates-dir <dir>', 'use this folder as the templates repo');
}

/** The folder given for a repo stands in for it as the commit "worktree". */
const WORKTREE = 'worktree';

class FolderOverlay implements SnapshotSource {
  constructor(
    private readonly base: SnapshotSource | undefined,
    private readonly folders: Partial<Record<RepoKind, Map<string, string>>>,
  ) {}

  async resolve(repo: RepoKind, commitish?: string): Promise<string> {
    if (this.folders[repo]) return WORKTREE;
    if (!this.base) throw new NetsyncError('BAD_REQUEST', `no ${repo} repo: pass --${repo}-dir or a config with repos.${repo}`);
    return this.base.resolve(repo, commitish);
  }

  async files(repo: RepoKind, sha: string): Promise<Map<string, string>> {
    const folder = this.folders[repo];
    if (folder && sha === WORKTREE) return folder;
    return this.base!.files(repo, sha);
  }
}

export interface CliGitOps {
  renderer: Renderer;
  gitops?: GitOps;
  devices: Device[];
  /** The settings rules of the config (repos.rules), else the shipped mapping/settings.yml. */
  rules: SettingsRule[];
}

/** A command renders one job and exits: one process renders thousands of devices a second, a second costs its start-up. */
const CLI_RENDER_PROCESSES = 1;

export async function loadGitOps(flags: GitOpsFlags): Promise<CliGitOps> {
  const loaded = await loadConfig(flags.config ?? process.env.NETSYNC_CONFIG ?? (existsSync('netsync.yml') ? 'netsync.yml' : undefined));
  const { config } = loaded;
  const dataDir = loaded.resolvePath(config.dataDir);
  const paths = { dataDir, resolvePath: loaded.resolvePath };
  // A lowdb file that does not exist yet holds no devices; a PostgreSQL store is always read.
  const hasStore = config.store.kind === 'postgres' || existsSync(lowdbStorePath(config.store, paths));
  const store = !flags.inventory && hasStore ? await buildStore(config.store, { ...paths, readOnly: true }) : undefined;
  await store?.init();
  try {
    const gitops = config.repos
      ? await createGitOps({
          repos: config.repos,
          render: config.render,
          renderProcesses: CLI_RENDER_PROCESSES,
          dataDir,
          resolvePath: loaded.resolvePath,
          readOnlyStore: true,
          ...(store ? { store } : {}),
        })
      : undefined;
    const folders: Partial<Record<RepoKind, Map<string, string>>> = {};
    const limits = inputLimits(config.repos?.limits);
    if (flags.settingsDir) folders.settings = await readFolder('--settings-dir', flags.settingsDir, limits.fileBytes);
    if (flags.templatesDir) folders.templates = await readFolder('--templates-dir', flags.templatesDir, limits.fileBytes);
    if (gitops) await Promise.all(Object.values(gitops.gitRepos).map((r) => r.fetch()));
    const renderer =
      Object.keys(folders).length > 0 || !gitops
        ? new Renderer(new FolderOverlay(gitops?.repoSet, folders), {
            secrets: secretsFromEnv(process.env),
            executor: renderProcesses(renderBudget(config.render), CLI_RENDER_PROCESSES),
            limits,
          })
        : gitops.renderer;
    let devices: Device[];
    if (store) devices = await withNetworkContexts(store, await store.listDevices());
    else {
      const file = flags.inventory ? flags.inventory : config.inventory.seed ? loaded.resolvePath(config.inventory.seed) : undefined;
      if (!file) throw new NetsyncError('BAD_REQUEST', 'no devices: pass --inventory FILE, or a config whose store or inventory.seed holds them');
      const now = new Date();
      devices = (await readInventoryFile(file)).map((d) => buildDevice(d, now));
    }
    const rules = gitops ? gitops.impact.rules : parseSettingsRules(await readFile(DEFAULT_RULES_FILE, 'utf8'), DEFAULT_RULES_FILE);
    return { renderer, devices, rules, ...(gitops ? { gitops } : {}) };
  } finally {
    await store?.close();
  }
}

/** Each device with the inventory's network data its templates see (read now: the store is closed after). */
async function withNetworkContexts(store: Store, devices: Device[]): Promise<Device[]> {
  const [linknets, mgmtdomains] = await Promise.all([store.listRecords('linknets'), store.listRecords('mgmtdomains')]);
  const contexts = networkContexts(devices, { linknets, mgmtdomains });
  return devices.map((d) => ({ ...d, network: contexts.get(hostnameKey(d.hostname))! }));
}

/** A missing or unreadable folder is the user's typo, not a crash with a stack trace. */
async function readFolder(flag: string, dir: string, maxFileBytes: number): Promise<Map<string, string>> {
  try {
    return await readDirFiles(dir, maxFileBytes);
  } catch (err) {
    throw new NetsyncError('BAD_REQUEST', `${flag} ${dir}: cannot read the folder (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, {
      path: dir,
    });
  }
}
