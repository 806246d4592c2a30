/**
 * Composition root: builds every service from the config and wires them
 * together. No business rules live here.
 */
import type { Express } from 'express';
import type { Server } from 'node:http';
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
import { mkdirPrivate } from '../store/privateFile.ts';
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
import { DeviceWrites } from '../commit/deviceWrites.ts';
import { TransactionService } from '../commit/transactionService.ts';
import { buildSessionFactory } from './buildSessionFactory.ts';
import { canonicalRunning } from '../drivers/canonicalRunning.ts';
import { configHash } from '../render/configHash.ts';
import { maskDeviceText } from '../render/maskDeviceText.ts';
import { secretsFromEnv } from '../render/maskSecrets.ts';
import { valueSubstitutions } from '../render/secretPlaceholders.ts';
import type { GitOpsService } from './createGitOps.ts';
import { repositoriesRouter } from '../api/routes/repositories.ts';
import type { Checks } from './createChecks.ts';
import { createChecks } from './createChecks.ts';
import { webhookRouter } from '../api/routes/webhooks.ts';
import { jobsRouter } from '../api/routes/jobs.ts';
import { buildSyncto } from './buildSyncto.ts';
import { JobRunner } from '../jobs/jobRunner.ts';
import { Scheduler } from '../jobs/scheduler.ts';
import { intendedConfigsOf } from '../inventory/eventImpact.ts';
import type { DriftCheck } from '../jobs/driftCheck.ts';
import { buildDriftCheck } from './buildDriftCheck.ts';
import type { SynctoService } from '../jobs/syncto.ts';
import { buildStore } from './openStore.ts';
import type { Store } from '../model/store.ts';
import { VERSION } from '../version.ts';
import { RefusalLog } from '../logging/refusalLog.ts';
import { sshIdentityProbe } from '../sources/sshProbe.ts';
import { lazyWebInterface } from '../ui/lazyWebInterface.ts';
import type { Cluster } from './createCluster.ts';
import { createCluster } from './createCluster.ts';
import { LeaderDuties } from '../cluster/leaderDuties.ts';
import { newReplicaId } from '../cluster/replicaId.ts';

export interface DaemonOptions {
  logger?: Logger;
  clock?: Clock;
  /** This replica's name in logs, records and /healthz (`serve --replica`; default: the host name). */
  replicaName?: string;
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
  /** The front door to device configuration: config defaults, the journal of runs, recovery after a restart. */
  writes: DeviceWrites;
  /** Northbound transactions (docs/guides/transactions-reference.md). */
  transactions: TransactionService;
  /** Repos, render, impact and intake (webhooks, polling); absent when the config has no `repos`. */
  gitops?: GitOpsService;
  /** Pull-request status checks (records, and the service when repos are configured). */
  checks: Checks;
  /** Job records (syncto) and their runner. */
  jobs: JobRunner;
  syncto: SynctoService;
  /** Reads MANAGED synchronized devices and marks those changed outside netsync (scheduled when enabled). */
  driftCheck: DriftCheck;
  /** Cron schedules: alarm sweep, inventory sync, auto-sync (off by default); run by the leader only. */
  scheduler: Scheduler;
  /** This replica, the leader election and what replicas share (a cluster of one on the embedded store). */
  cluster: Cluster;
  /** The leader's work: the scheduler, recovery of the work of replicas that are gone, housekeeping. */
  duties: LeaderDuties;
  /** Where the generated operator token lives, when the config lists none. */
  tokenFile?: string;
  /** The HTTP application (its routes are enumerated by the fuzz test, so a new route is fuzzed too). */
  app: Express;
  /** Starts listening; resolves with the bound address (port 0 picks a free one). */
  listen(): Promise<AddressInfo>;
  stop(): Promise<void>;
}

export async function createDaemon(loaded: LoadedConfig, options: DaemonOptions = {}): Promise<Daemon> {
  const { config } = loaded;
  const { logger, clock, dataDir, store, cluster, syncStatus, gitops } = await foundation(loaded, options);
  // Inventory events are judged like pushes: only devices whose intended config changes are marked.
  const configs = gitops ? intendedConfigsOf(gitops.renderer) : undefined;
  const inventory = new InventoryService(store, syncStatus, clock, configs);
  const network = new NetworkService(store, syncStatus, clock, configs);

  const { tokens, tokenFile } = await apiTokens(config.api.tokens, dataDir, logger);
  await seedInventory(loaded, store, inventory, logger);

  const alarms = createAlarms(config.alarms, { store, clock, logger, resolvePath: loaded.resolvePath, tracksRepos: Boolean(config.repos) });
  const inventorySync = await buildInventorySync(withDeviceLogin(config.sources ?? sourcesConfigSchema.parse({}), config.devices), {
    store,
    clock,
    logger,
    resolvePath: loaded.resolvePath,
  });

  const sessions = await buildSessionFactory(config.devices, { store, logger, resolvePath: loaded.resolvePath, canonicalize: canonicalRunning });
  const { writes, transactions, bounces, jobs, recover } = deviceWork(config, { store, sessions, syncStatus, gitops, logger, clock, replica: cluster.replica });
  const { syncto, driftCheck } = syncWork(config, { store, syncStatus, sessions, writes, jobs, gitops, logger, clock });
  // On PostgreSQL accepted jobs are rows any live replica claims (a job outlives the replica that accepted it).
  if (cluster.jobQueue) jobs.useQueue(cluster.jobQueue);
  const scheduler = buildScheduler(config, {
    clock,
    logger,
    alarms,
    inventorySync,
    gitops,
    autoSync: () => runAutoSync({ store, syncto, jobs }, config.scheduler.autoSync.comment),
    driftCheck: () => driftCheck.run().then(() => undefined),
  });
  const duties = await startDuties(cluster, scheduler, recover, logger);

  const checks = await createChecks(config.checks, {
    store,
    logger,
    clock,
    ...(gitops && config.repos ? { gitops: { ...gitops, remotes: { settings: config.repos.settings, templates: config.repos.templates } } } : {}),
  });
  if (gitops && checks.service) gitops.intake.setPullRequestHandler((provider, repo, payload) => checks.service!.receive(provider, repo, payload));

  const refusals = new RefusalLog(logger);
  const app = httpApp(config, {
    tokens,
    refusals,
    store,
    cluster,
    inventory,
    network,
    bounces,
    alarms,
    inventorySync,
    checks,
    sessions,
    transactions,
    jobs,
    syncto,
    gitops,
    logger,
    clock,
  });

  const parts = {
    store,
    logger,
    syncStatus,
    inventory,
    network,
    alarms,
    inventorySync,
    checks,
    sessions,
    writes,
    transactions,
    jobs,
    syncto,
    driftCheck,
    scheduler,
    cluster,
    duties,
    gitops,
    tokenFile,
    refusals,
  };
  return daemonHandle(parts, app, config.listen);
}

interface HttpParts {
  tokens: ApiToken[];
  refusals: RefusalLog;
  store: Store;
  cluster: Cluster;
  inventory: InventoryService;
  network: NetworkService;
  bounces: InterfaceBounceService;
  alarms: Alarms;
  inventorySync: InventorySync;
  checks: Checks;
  sessions: SessionFactory;
  transactions: TransactionService;
  jobs: JobRunner;
  syncto: SynctoService;
  gitops: GitOpsService | undefined;
  logger: Logger;
  clock: Clock;
}

/** The HTTP application: the web interface (when enabled), the public routes and the REST API. */
function httpApp(config: LoadedConfig['config'], parts: HttpParts): Express {
  const { store, inventory, alarms, inventorySync, checks, transactions, jobs, syncto, gitops, logger } = parts;
  const auth = new TokenAuth(parts.tokens, config.api.openReads);
  const uiRouter = config.ui.enabled
    ? lazyWebInterface({
        auth,
        store,
        inventory,
        alarms: alarms.service,
        jobs,
        syncto,
        transactions,
        inventorySync,
        probe: sshIdentityProbe(parts.sessions),
        ...(gitops ? { gitops: { renderer: gitops.renderer, commitInfo: (repo, sha) => gitops.gitRepos[repo].commitInfo(sha) } } : {}),
        ...(parts.cluster.uiSessions ? { sessions: parts.cluster.uiSessions } : {}),
        clock: parts.clock,
        logger: logger.child({ component: 'ui' }),
      })
    : undefined;
  const app = createApp({
    auth,
    ...(uiRouter ? { uiRouter } : {}),
    logger,
    refusals: parts.refusals,
    bodyLimit: config.api.bodyLimit,
    publicRouters: [
      healthRouter({ version: VERSION, backend: () => parts.cluster.health(), leadership: parts.cluster.leadership }),
      openapiRouter(),
      checks.pageRouter,
      ...alarms.publicRouters,
      ...(gitops ? [webhookRouter(gitops.intake, config.intake.bodyLimit)] : []),
    ],
    apiRouters: [
      devicesRouter(inventory, parts.bounces),
      checks.apiRouter,
      networkRouter(parts.network),
      alarms.apiRouter,
      inventoryRouter(inventorySync),
      transactionsRouter(transactions),
      jobsRouter(syncto, jobs),
      ...(gitops ? [repositoriesRouter(gitops.intake, store)] : []),
    ],
  });
  app.set('trust proxy', config.ui.trustProxy);
  return app;
}

/** What everything else builds on: the checked config, the logger and clock, the store, sync status and the repos (when configured). */
async function foundation(loaded: LoadedConfig, options: DaemonOptions) {
  const { config } = loaded;
  const logger = options.logger ?? createLogger(config.log.level, undefined, secretsFromEnv(process.env));
  const clock = options.clock ?? systemClock;
  const dataDir = loaded.resolvePath(config.dataDir);
  if (config.scheduler.autoSync.enabled && !config.repos) {
    throw new NetsyncError(
      'CONFIG_INVALID',
      "scheduler.autoSync is enabled but no repos are configured (config key 'repos'): there is no intended config to sync",
      {
        key: 'scheduler.autoSync.enabled',
      },
    );
  }
  const { store, cluster } = await openStore(loaded, dataDir, logger, clock, options.replicaName);
  const syncStatus = new SyncStatusService(store, clock);
  // Loaded only when repos are configured: git mirrors (isomorphic-git), the renderer (nunjucks, render threads).
  const gitops = config.repos
    ? await (
        await import('./createGitOps.ts')
      ).createIntake({
        repos: config.repos,
        intake: config.intake,
        render: config.render,
        dataDir,
        resolvePath: loaded.resolvePath,
        store,
        syncStatus,
        logger,
        clock,
        deliveries: cluster.deliveries,
        exclusive: cluster.exclusive,
      })
    : undefined;
  return { logger, clock, dataDir, store, cluster, syncStatus, gitops };
}

/**
 * The configured store (the lowdb file, or PostgreSQL), loaded and checked, and this process among the replicas
 * on it: the store every part sees takes the replicas' shared device locks (PostgreSQL advisory locks).
 */
async function openStore(
  loaded: LoadedConfig,
  dataDir: string,
  logger: Logger,
  clock: Clock,
  replicaName: string | undefined,
): Promise<{ store: Store; cluster: Cluster }> {
  // Owner-only when netsync creates it: it holds the store (lowdb), the local token and the repo mirrors. A
  // directory that cannot be made is reported by the store below, naming it.
  await mkdirPrivate(dataDir).catch(() => undefined);
  const replica = newReplicaId(replicaName);
  // On PostgreSQL the store's device locks are the replicas' shared advisory locks, named after this replica.
  const store = await buildStore(loaded.config.store, { dataDir, resolvePath: loaded.resolvePath, logger, replica });
  await store.init();
  const cluster = await createCluster({ replica, postgresUrl: postgresUrlOf(loaded.config.store), logger, clock });
  return { store, cluster };
}

/** The PostgreSQL URL when the store is PostgreSQL. */
function postgresUrlOf(store: { kind: string; url?: string }): string | undefined {
  return store.kind === 'postgres' ? store.url : undefined;
}

/**
 * Registers this replica (present before it does any work) and runs the first election round; as leader
 * (always, for a single process) the work a stopped process left is marked before the API answers.
 */
async function startDuties(
  cluster: Cluster,
  scheduler: Scheduler,
  recover: (gone: (replica: string | undefined) => boolean) => Promise<void>,
  logger: Logger,
): Promise<LeaderDuties> {
  const duties = new LeaderDuties({
    leadership: cluster.leadership,
    registry: cluster.registry,
    scheduler,
    recover,
    housekeeping: () => cluster.housekeeping(),
    logger: logger.child({ component: 'leader' }),
  });
  try {
    await cluster.leadership.start();
  } catch (err) {
    await cluster.close().catch(() => undefined);
    throw new NetsyncError('UNAVAILABLE', `cannot register this replica in the database: ${(err as Error).message}`, {}, { cause: err });
  }
  await duties.idle();
  return duties;
}

interface WorkParts {
  store: Store;
  /** This process's replica id, recorded on every run, job and transaction. */
  replica?: string;
  sessions: SessionFactory;
  syncStatus: SyncStatusService;
  gitops: GitOpsService | undefined;
  logger: Logger;
  clock: Clock;
}

/**
 * The one front door to device configuration (the config's defaults, the journal of every device write) and
 * what goes through it; `recover` handles every run a stopped process cut off (transaction, syncto, auto-sync,
 * bounce) alike, its owner recording the outcome. The leader calls it: at start for a single process, and
 * whenever a replica is gone for several.
 */
function deviceWork(config: LoadedConfig['config'], parts: WorkParts) {
  const { store, sessions, syncStatus, gitops, logger, clock, replica } = parts;
  // Device text (diffs, errors): known secret values become placeholders, secret-shaped values ********.
  const mask = (text: string) => maskDeviceText(text, valueSubstitutions(gitops?.renderer.secrets ?? {}));
  const writes = new DeviceWrites({
    store,
    sessions,
    clock,
    logger,
    defaults: config.devices ? { concurrency: config.devices.concurrency, confirmTimeoutSeconds: config.devices.confirmTimeoutSeconds } : {},
    hashConfig: configHash,
    markChanged: async (hostnames, detail) => void (await syncStatus.markUnsynced(hostnames, 'drift_detected', { by: 'recovery', detail })),
    mask,
    ...(replica ? { replica } : {}),
  });
  const transactions = new TransactionService({ store, writes, clock, logger, mask, ...(replica ? { replica } : {}) });
  const bounces = new InterfaceBounceService({ store, writes, clock });
  const jobs = new JobRunner(store, clock, logger.child({ component: 'jobs' }), undefined, replica);
  const recover = async (gone: (replica: string | undefined) => boolean) => {
    const cut = await writes.recover(async (run) => {
      await transactions.recordRecovery(run);
      await jobs.recordRecovery(run);
    }, gone);
    await transactions.abortInterrupted(cut, gone);
    const interrupted = await jobs.abortInterrupted(cut, gone);
    if (interrupted.length) logger.warn({ jobs: interrupted }, 'marked jobs cut off by a stopped process as ABORTED');
  };
  return { writes, transactions, bounces, jobs, recover };
}

/** syncto (through the front door) and the drift check, each with the renderer in force. */
function syncWork(config: LoadedConfig['config'], parts: WorkParts & { writes: DeviceWrites; jobs: JobRunner }) {
  const { store, syncStatus, sessions, gitops, logger, clock } = parts;
  const syncto = buildSyncto({
    store,
    syncStatus,
    runner: parts.jobs,
    sessions,
    writes: parts.writes,
    ...(config.devices ? { concurrency: config.devices.concurrency } : {}),
    ...(gitops ? { renderer: gitops.renderer } : {}),
    canonicalize: canonicalRunning,
    logger,
  });
  const driftCheck = buildDriftCheck({
    store,
    syncStatus,
    sessions,
    ...(gitops ? { renderer: gitops.renderer } : {}),
    canonicalize: canonicalRunning,
    concurrency: config.scheduler.driftCheck.concurrency,
    logger,
    clock,
  });
  return { syncto, driftCheck };
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
  driftCheck: () => Promise<void>;
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
    scheduler.register({
      kind: 'inventory-sync',
      cron: config.sources.schedule,
      run: async () => void (await inventorySync.run({ dryRun: false, by: 'schedule' })),
    });
  }
  const autoSync = config.scheduler.autoSync;
  if (autoSync.enabled)
    scheduler.register({ kind: 'auto-sync', cron: autoSync.cron, ...(autoSync.windows ? { windows: autoSync.windows } : {}), run: parts.autoSync });
  const drift = config.scheduler.driftCheck;
  if (drift.enabled) scheduler.register({ kind: 'drift-check', cron: drift.cron, run: parts.driftCheck });
  return scheduler;
}

type DaemonParts = Omit<Daemon, 'listen' | 'stop' | 'gitops' | 'tokenFile' | 'app'> & {
  gitops: GitOpsService | undefined;
  tokenFile: string | undefined;
  refusals: RefusalLog;
};

/** The running daemon: its parts, listen (which starts the background work) and an orderly stop. */
function daemonHandle(parts: DaemonParts, app: Express, listen: { host: string; port: number }): Daemon {
  const { store, logger, scheduler, writes, jobs, gitops, checks, tokenFile, refusals, cluster, duties, ...rest } = parts;
  let server: Server | undefined;
  return {
    ...rest,
    store,
    logger,
    scheduler,
    cluster,
    duties,
    writes,
    jobs,
    checks,
    ...(gitops ? { gitops } : {}),
    ...(tokenFile ? { tokenFile } : {}),
    app,
    listen: () =>
      new Promise((resolve, reject) => {
        const s = app.listen(listen.port, listen.host);
        s.once('listening', () => {
          server = s;
          const address = s.address() as AddressInfo;
          logger.info({ address: address.address, port: address.port }, 'netsync API listening');
          duties.setServing(true);
          gitops?.intake.start();
          checks.service?.resumeInterrupted().catch((err: unknown) => logger.error({ err }, 'could not resume interrupted PR checks'));
          resolve(address);
        });
        s.once('error', (err: NodeJS.ErrnoException) => reject(listenError(err, listen.host, listen.port)));
      }),
    stop: async () => {
      await duties.stop();
      await writes.recovery;
      jobs.stopQueue();
      await jobs.drain();
      await gitops?.intake.stop();
      await checks.service?.idle();
      if (server) {
        const s = server;
        const closed = new Promise<void>((resolve) => s.close(() => resolve()));
        s.closeAllConnections();
        await closed;
      }
      // The render processes end with the daemon (in-flight renders have finished with the jobs and intake above).
      await gitops?.renderer.close();
      refusals.flush();
      // Leaves the cluster (another replica leads within a second) and ends the lock connections.
      await cluster.close();
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
  return new NetsyncError(
    'LISTEN_FAILED',
    `cannot listen on ${host}:${port}: ${why}; change listen.host/listen.port in the config or pass --port`,
    {
      host,
      port,
      errno: err.code ?? null,
    },
    { cause: err },
  );
}
