/**
 * Composition root: builds every service from the config and wires them
 * together. No business rules live here.
 */
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createApp } from '../api/app.ts';
import type { ApiToken } from '../api/auth.ts';
import { TokenAuth } from '../api/auth.ts';
import { devicesRouter } from '../api/routes/devices.ts';
import { healthRouter } from '../api/routes/health.ts';
import { networkRouter } from '../api/routes/network.ts';
import { openapiRouter } from '../api/routes/openapi.ts';
import { ensureLocalToken } from '../apiToken.ts';
import type { LoadedConfig } from '../config/load.ts';
import { readInventoryFile } from '../inventory/inventoryFile.ts';
import { InterfaceBounceService } from '../inventory/interfaceBounce.ts';
import { InventoryService } from '../inventory/inventoryService.ts';
import { NetworkService } from '../inventory/networkService.ts';
import { SyncStatusService } from '../inventory/syncStatus.ts';
import { createLogger } from '../logging/logger.ts';
import type { Alarms } from './createAlarms.ts';
import { createAlarms } from './createAlarms.ts';
import { NetsyncError } from '../model/errors.ts';
import type { Clock, Logger } from '../model/ports.ts';
import { systemClock } from '../model/ports.ts';
import { buildInventorySync } from './buildInventorySync.ts';
import { withDeviceLogin } from '../sources/configSchema.ts';
import { runAutoSync } from '../jobs/autoSync.ts';
import { sourcesConfigSchema } from '../sources/configSchema.ts';
import type { InventorySync } from '../sources/inventorySync.ts';
import { inventoryRouter } from '../api/routes/inventory.ts';
import { transactionsRouter } from '../api/routes/transactions.ts';
import type { SessionFactory } from '../commit/session.ts';
import { TransactionService } from '../commit/transactionService.ts';
import { buildSessionFactory } from './buildSessionFactory.ts';
import { canonicalRunning } from '../drivers/canonicalRunning.ts';
import { configHash, maskSecrets } from '../render/index.ts';
import type { GitOpsService } from './createGitOps.ts';
import { createIntake } from './createGitOps.ts';
import { repositoriesRouter } from '../api/routes/repositories.ts';
import type { Checks } from './createChecks.ts';
import { createChecks } from './createChecks.ts';
import { webhookRouter } from '../api/routes/webhooks.ts';
import { jobsRouter } from '../api/routes/jobs.ts';
import { buildSyncto } from './buildSyncto.ts';
import { JobRunner } from '../jobs/jobRunner.ts';
import { Scheduler } from '../jobs/scheduler.ts';
import type { SynctoService } from '../jobs/syncto.ts';
import { LowdbStore } from '../store/lowdbStore.ts';
import type { Store } from '../model/store.ts';
import { VERSION } from '../version.ts';

export interface DaemonOptions {
  logger?: Logger;
  clock?: Clock;
}

export interface Daemon {
  store: Store;
  logger: Logger;
  syncStatus: SyncStatusService;
  inventory: InventoryService;
  network: NetworkService;
  /** Unsynced alarm: report, sweep (`alarms.service.sweep`), metrics. */
  alarms: Alarms;
  /** Inventory synchronization with NSO, NetBox and the BSS. */
  inventorySync: InventorySync;
  /** Opens device sessions (NETCONF / EOS CLI over SSH) with the configured credentials. */
  sessions: SessionFactory;
  /** Northbound transactions (docs/guides/transactions-reference.md). */
  transactions: TransactionService;
  /** Repos, render, impact and intake (webhooks, polling); absent when the config has no `repos`. */
  gitops?: GitOpsService;
  /** Pull-request status checks (records, and the service when repos are configured). */
  checks: Checks;
  /** Job records (syncto) and their runner. */
  jobs: JobRunner;
  syncto: SynctoService;
  /** Cron schedules: alarm sweep, inventory sync, auto-sync (off by default). */
  scheduler: Scheduler;
  /** Where the generated operator token lives, when the config lists none. */
  tokenFile?: string;
  /** Starts listening; resolves with the bound address (port 0 picks a free one). */
  listen(): Promise<AddressInfo>;
  stop(): Promise<void>;
}

export async function createDaemon(loaded: LoadedConfig, options: DaemonOptions = {}): Promise<Daemon> {
  const { config } = loaded;
  const logger = options.logger ?? createLogger(config.log.level);
  const clock = options.clock ?? systemClock;
  const dataDir = loaded.resolvePath(config.dataDir);
  if (config.scheduler.autoSync.enabled && !config.repos) {
    throw new NetsyncError('CONFIG_INVALID', "scheduler.autoSync is enabled but no repos are configured (config key 'repos'): there is no intended config to sync", {
      key: 'scheduler.autoSync.enabled',
    });
  }

  const store = new LowdbStore(config.store.path ? loaded.resolvePath(config.store.path) : join(dataDir, 'store.json'));
  await store.init();

  const syncStatus = new SyncStatusService(store, clock);
  const inventory = new InventoryService(store, syncStatus, clock);
  const network = new NetworkService(store, syncStatus, clock);

  const { tokens, tokenFile } = await apiTokens(config.api.tokens, dataDir, logger);
  await seedInventory(loaded, store, inventory, logger);

  const alarms = createAlarms(config.alarms, { store, clock, logger, resolvePath: loaded.resolvePath });

  const inventorySync = await buildInventorySync(withDeviceLogin(config.sources ?? sourcesConfigSchema.parse({}), config.devices), {
    store,
    clock,
    logger,
    resolvePath: loaded.resolvePath,
  });

  const gitops = config.repos
    ? await createIntake({ repos: config.repos, intake: config.intake, dataDir, resolvePath: loaded.resolvePath, store, syncStatus, logger, clock })
    : undefined;

  const sessions = await buildSessionFactory(config.devices, { store, logger, resolvePath: loaded.resolvePath, canonicalize: canonicalRunning });
  const transactions = new TransactionService({
    store,
    sessions,
    clock,
    logger,
    defaults: config.devices ? { concurrency: config.devices.concurrency, confirmTimeoutSeconds: config.devices.confirmTimeoutSeconds } : {},
    hashConfig: configHash,
    mask: (text) => maskSecrets(text, gitops?.renderer.secrets ?? {}),
  });
  await transactions.recover();
  const bounces = new InterfaceBounceService({ store, sessions, clock });

  const jobs = new JobRunner(store, clock, logger.child({ component: 'jobs' }));
  const interrupted = await jobs.abortInterrupted();
  if (interrupted.length) logger.warn({ jobs: interrupted }, 'marked jobs cut off by a restart as ABORTED');
  const syncto = buildSyncto({ store, syncStatus, runner: jobs, sessions, ...(gitops ? { renderer: gitops.renderer } : {}), canonicalize: canonicalRunning, logger, clock });
  const scheduler = buildScheduler(config, { clock, logger, alarms, inventorySync, gitops, autoSync: () => runAutoSync({ store, syncto, jobs }, config.scheduler.autoSync.comment) });

  const checks = createChecks(config.checks, {
    store,
    logger,
    clock,
    ...(gitops && config.repos ? { gitops: { ...gitops, remotes: { settings: config.repos.settings, templates: config.repos.templates } } } : {}),
  });
  if (gitops && checks.service) gitops.intake.setPullRequestHandler((provider, repo, payload) => checks.service!.receive(provider, repo, payload));

  const app = createApp({
    auth: new TokenAuth(tokens, config.api.openReads),
    logger,
    bodyLimit: config.api.bodyLimit,
    publicRouters: [healthRouter(store, VERSION), openapiRouter(), checks.pageRouter, ...alarms.publicRouters, ...(gitops ? [webhookRouter(gitops.intake, config.intake.bodyLimit)] : [])],
    apiRouters: [devicesRouter(inventory, bounces), checks.apiRouter, networkRouter(network), alarms.apiRouter, inventoryRouter(inventorySync), transactionsRouter(transactions), jobsRouter(syncto, jobs), ...(gitops ? [repositoriesRouter(gitops.intake, store)] : [])],
  });

  const parts = { store, logger, syncStatus, inventory, network, alarms, inventorySync, checks, sessions, transactions, jobs, syncto, scheduler, gitops, tokenFile };
  return daemonHandle(parts, app, config.listen);
}

/** The configured API tokens, or the generated operator token in the data dir when the config lists none. */
async function apiTokens(configured: ApiToken[], dataDir: string, logger: Logger): Promise<{ tokens: ApiToken[]; tokenFile?: string }> {
  if (configured.length > 0) return { tokens: configured };
  const local = await ensureLocalToken(dataDir);
  logger.info({ tokenFile: local.path }, 'no API tokens configured: using the generated operator token in the data dir');
  return { tokens: [{ name: 'local-operator', token: local.token, role: 'operator' }], tokenFile: local.path };
}

async function seedInventory(loaded: LoadedConfig, store: Store, inventory: InventoryService, logger: Logger): Promise<void> {
  const seed = loaded.config.inventory.seed;
  if (!seed || (await store.listDevices()).length > 0) return;
  const seedFile = loaded.resolvePath(seed);
  const result = await inventory.import(await readInventoryFile(seedFile), 'seed');
  logger.info({ seedFile, created: result.created.length }, 'seeded an empty inventory');
}

interface ScheduleParts {
  clock: Clock;
  logger: Logger;
  alarms: Alarms;
  inventorySync: InventorySync;
  gitops: GitOpsService | undefined;
  autoSync: () => Promise<void>;
}

/** One schedule per kind of periodic work; a run still going when the next is due is skipped. */
function buildScheduler(config: LoadedConfig['config'], parts: ScheduleParts): Scheduler {
  const { gitops, inventorySync, alarms } = parts;
  const scheduler = new Scheduler(parts.clock, parts.logger.child({ component: 'scheduler' }));
  scheduler.register({ kind: 'alarm-sweep', cron: config.alarms.sweep, run: async () => void (await alarms.service.sweep()) });
  if (gitops && config.intake.poll !== false) {
    // The polling fallback: a lost webhook delays an update but never loses it.
    scheduler.register({ kind: 'repo-poll', cron: config.intake.poll, run: () => gitops.intake.pollAll() });
  }
  if (config.sources?.schedule) {
    scheduler.register({ kind: 'inventory-sync', cron: config.sources.schedule, run: async () => void (await inventorySync.run({ dryRun: false, by: 'schedule' })) });
  }
  const autoSync = config.scheduler.autoSync;
  if (autoSync.enabled) scheduler.register({ kind: 'auto-sync', cron: autoSync.cron, ...(autoSync.windows ? { windows: autoSync.windows } : {}), run: parts.autoSync });
  return scheduler;
}

type DaemonParts = Omit<Daemon, 'listen' | 'stop' | 'gitops' | 'tokenFile'> & { gitops: GitOpsService | undefined; tokenFile: string | undefined };

/** The running daemon: its parts, listen (which starts the background work) and an orderly stop. */
function daemonHandle(parts: DaemonParts, app: ReturnType<typeof createApp>, listen: { host: string; port: number }): Daemon {
  const { store, logger, scheduler, transactions, jobs, gitops, checks, tokenFile, ...rest } = parts;
  let server: Server | undefined;
  return {
    ...rest,
    store,
    logger,
    scheduler,
    transactions,
    jobs,
    checks,
    ...(gitops ? { gitops } : {}),
    ...(tokenFile ? { tokenFile } : {}),
    listen: () =>
      new Promise((resolve, reject) => {
        const s = app.listen(listen.port, listen.host);
        s.once('listening', () => {
          server = s;
          const address = s.address() as AddressInfo;
          logger.info({ address: address.address, port: address.port }, 'netsync API listening');
          scheduler.start();
          gitops?.intake.start();
          checks.service?.resumeInterrupted().catch((err: unknown) => logger.error({ err }, 'could not resume interrupted PR checks'));
          resolve(address);
        });
        s.once('error', (err: NodeJS.ErrnoException) => reject(listenError(err, listen.host, listen.port)));
      }),
    stop: async () => {
      await scheduler.stop();
      await transactions.recovery;
      await jobs.drain();
      await gitops?.intake.stop();
      await checks.service?.idle();
      if (server) {
        const s = server;
        const closed = new Promise<void>((resolve) => s.close(() => resolve()));
        s.closeAllConnections();
        await closed;
      }
      await store.close();
    },
  };
}

/** A port in use or not allowed is the operator's to fix: say which address and where to change it. */
function listenError(err: NodeJS.ErrnoException, host: string, port: number): NetsyncError {
  const why =
    err.code === 'EADDRINUSE'
      ? 'the address is already in use (another netsync, or another program, holds it)'
      : err.code === 'EACCES'
        ? 'permission denied (ports below 1024 need privileges)'
        : err.code === 'EADDRNOTAVAIL'
          ? 'this machine has no such address'
          : err.message;
  return new NetsyncError('LISTEN_FAILED', `cannot listen on ${host}:${port}: ${why}; change listen.host/listen.port in the config or pass --port`, {
    host,
    port,
    errno: err.code ?? null,
  }, { cause: err });
}
