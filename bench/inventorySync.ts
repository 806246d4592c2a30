/**
 * Inventory sync benchmark. Run: `node --import tsx bench/inventorySync.ts [devices]` (default 10,000).
 * 1. planning N devices held by four systems (1% new, 0.5% removed) with an instant probe, against a naive
 *    matcher measured in the same run (for each device, scan every other system's list);
 * 2. a full sync with nothing to do through the real service: NSO/NetBox/BSS doubles over HTTP (NetBox paged),
 *    the lowdb store, membership written;
 * 3. SSH verification of new lab devices (real SSH) at probe concurrency 8 against concurrency 1.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSessionFactory } from '../src/drivers/sessionFactory.ts';
import { startLab } from '../src/lab/index.ts';
import { buildDevice, hostnameKey } from '../src/model/device.ts';
import type { SourceName } from '../src/model/device.ts';
import { BssSource } from '../src/sources/bssSource.ts';
import { InventorySync } from '../src/sources/inventorySync.ts';
import { NetboxSource } from '../src/sources/netboxSource.ts';
import { NsoSource } from '../src/sources/nsoSource.ts';
import type { IdentityProbe } from '../src/sources/reconcile/identityProbe.ts';
import type { KnownDevice, SourceRead } from '../src/sources/reconcile/plan.ts';
import { planReconcile } from '../src/sources/reconcile/plan.ts';
import { sshIdentityProbe } from '../src/sources/sshProbe.ts';
import { StoreSource } from '../src/sources/storeSource.ts';
import type { SourceDevice } from '../src/sources/types.ts';
import { storeCollections } from '../src/compose/storeCollections.ts';
import { LowdbStore } from '../src/store/lowdbStore.ts';
import { BssStub } from '../test/integration/sources/stubs/bssStub.ts';
import { bssSettings } from '../test/integration/sources/stubs/fixtures.ts';
import { NetboxStub } from '../test/integration/sources/stubs/netboxStub.ts';
import { NsoStub } from '../test/integration/sources/stubs/nsoStub.ts';

const N = Number(process.argv[2] ?? 10_000);
const rows: [string, string, string, string][] = [];
const row = (name: string, value: string, target: string, ratio: string) => {
  rows.push([name, value, target, ratio]);
  process.stderr.write(`${name}: ${value}\n`);
};
const ms = (t0: number) => performance.now() - t0;
const ip = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
/** Every device answers with its own name, except those removed from a system: their address now answers as a spare. */
const instant: IdentityProbe = { probe: async (t) => ({ reachable: true, hostname: /^sw-\d*01$/i.test(t.hostname) ? 'spare' : t.hostname }) };
const SOURCES: SourceName[] = ['ui', 'nso', 'netbox', 'bss'];

// ---- 1. planning
const lists: Record<SourceName, SourceDevice[]> = { ui: [], nso: [], netbox: [], bss: [] };
const known: KnownDevice[] = [];
for (let i = 0; i < N; i++) {
  const name = `sw-${i}`;
  const isNew = i % 100 === 0;
  const removedFrom = i % 200 === 1 ? 'netbox' : undefined;
  for (const s of SOURCES) {
    if (isNew && s !== 'nso') continue;
    if (s === removedFrom) continue;
    lists[s].push({ name: s === 'nso' ? name.toUpperCase() : name, managementIp: ip(i), port: 22 });
  }
  if (!isNew) known.push({ key: name, hostname: name, managementIp: ip(i), sources: Object.fromEntries(SOURCES.map((s) => [s, { name }])) });
}
const reads: SourceRead[] = SOURCES.map((s) => ({ source: s, ok: true, devices: lists[s] }));
const planTimes: number[] = [];
let summary = '';
for (let r = 0; r < 5; r++) {
  const t0 = performance.now();
  const plan = await planReconcile({ reads, known, defaults: { platform: 'eos', type: 'ACCESS' } }, { probe: instant });
  planTimes.push(ms(t0));
  summary = `${plan.summary.add} add, ${plan.summary.delete} delete, ${plan.summary.none} in step`;
}
const planMs = planTimes.sort((a, b) => a - b)[2]!;
// Baseline: match by scanning (what a per-device loop over each system's list does).
const naiveN = Math.min(N, 3000);
const t0 = performance.now();
let matched = 0;
for (const d of lists.ui.slice(0, naiveN))
  for (const s of ['nso', 'netbox', 'bss'] as const) if (lists[s].some((x) => hostnameKey(x.name) === hostnameKey(d.name))) matched++;
const naiveMs = ms(t0) * (N / naiveN); // each device scans full lists, so N devices cost N/naiveN times as much
row(
  `plan ${N} devices x 4 systems (${summary}), median of 5`,
  `${planMs.toFixed(0)} ms`,
  '< 1000 ms',
  `${(naiveMs / planMs).toFixed(0)}x faster than a scanning matcher (${naiveMs.toFixed(0)} ms est., ${matched} matches on ${naiveN})`,
);

// ---- 2. a full sync with nothing to do, over HTTP doubles and the lowdb store
const dir = await mkdtemp(join(tmpdir(), 'netsync-bench-sources-'));
const store = new LowdbStore(join(dir, 'store.json'), { collections: storeCollections });
await store.init();
const nso = new NsoStub();
const nb = new NetboxStub();
const bss = new BssStub();
await Promise.all([nso.start(), nb.start(), bss.start()]);
const created = new Date();
const devices = Array.from({ length: N }, (_, i) => {
  const d = buildDevice({ hostname: `sw-${i}`, managementIp: ip(i), port: 22, platform: 'eos', type: 'ACCESS' }, created);
  return d;
});
await store.changeDevices({ create: devices });
for (let i = 0; i < N; i++) {
  nso.seed({ name: `SW-${i}`, address: ip(i), port: 22, authgroup: 'lab', 'device-type': { cli: {} } });
  nb.add(`sw-${i}`, { ip: ip(i) });
  bss.add(`sw-${i}`, ip(i));
}
const sync = new InventorySync({
  store,
  sources: [
    new StoreSource(store),
    new NsoSource({
      url: nso.url,
      username: nso.username,
      password: nso.password,
      authgroup: 'lab',
      nedIds: {},
      adminState: 'unlocked',
      actionsAfterAdd: [],
      timeoutMs: 60_000,
    }),
    new NetboxSource({
      url: nb.url,
      token: nb.token,
      tokenScheme: 'Token',
      pageSize: 1000,
      filters: {},
      timeoutMs: 60_000,
      create: { site: 1, role: 1, deviceType: 1, status: 'active', platforms: {} },
    }),
    new BssSource({ ...bssSettings(bss), fields: { name: 'hostname', managementIp: 'mgmt.ipv4' }, extra: {}, timeoutMs: 60_000 }),
  ],
  probe: instant,
  defaults: { platform: 'eos', type: 'ACCESS' },
});
const first = performance.now();
await sync.run({ dryRun: false, by: 'bench' }); // records the membership
const firstMs = ms(first);
const steady: number[] = [];
for (let r = 0; r < 3; r++) {
  const s0 = performance.now();
  const report = await sync.run({ dryRun: false, by: 'bench' });
  steady.push(ms(s0));
  if (report.summary.none !== N) throw new Error(`expected ${N} in step, got ${JSON.stringify(report.summary)}`);
}
const steadyMs = steady.sort((a, b) => a - b)[1]!;
row(
  `full sync, ${N} devices in step (HTTP doubles, NetBox ${N / 1000} pages, lowdb), median of 3`,
  `${(steadyMs / 1000).toFixed(2)} s`,
  '< 10 s',
  `first sync ${(firstMs / 1000).toFixed(2)} s`,
);

// ---- 2b. many new devices at once: netsync's store takes them in one write
const NEW = Math.max(10, Math.round(N / 10));
for (let i = N; i < N + NEW; i++) nso.seed({ name: `sw-${i}`, address: ip(i), port: 22, authgroup: 'lab', 'device-type': { cli: {} } });
const b0 = performance.now();
const bulk = await sync.run({ dryRun: false, by: 'bench' });
const bulkMs = ms(b0);
if (bulk.summary.add + bulk.summary.conflict !== NEW || bulk.summary.failedSteps !== 0) throw new Error(`bulk add: ${JSON.stringify(bulk.summary)}`);
// Baseline: one store write per new device (what a plain add does), 20 of them, scaled to NEW.
const one = new StoreSource(store);
const o0 = performance.now();
for (let i = 0; i < 20; i++)
  await one.add({ name: `single-${i}`, managementIp: ip(i), port: 22, platform: 'eos', transport: 'eos-cli', type: 'ACCESS', origin: 'nso' });
const oneByOneMs = (ms(o0) / 20) * NEW;
row(
  `sync ${bulk.summary.add} new NSO devices into netsync, NetBox and BSS (store ${N} devices)`,
  `${(bulkMs / 1000).toFixed(2)} s`,
  '-',
  `store part ${(oneByOneMs / 1000).toFixed(0)} s one write per device est.: ${(oneByOneMs / bulkMs).toFixed(0)}x`,
);
await Promise.all([nso.stop(), nb.stop(), bss.stop()]);
await store.close();
await rm(dir, { recursive: true, force: true });

// ---- 3. SSH verification of new devices against the lab
const LAB = 16;
const labDir = await mkdtemp(join(tmpdir(), 'netsync-bench-lab-'));
const lab = await startLab({ devices: LAB, platform: 'eos', stateDir: labDir });
const sshProbe = sshIdentityProbe(createSessionFactory({ credentials: { username: lab.username, password: lab.password } }));
const labReads: SourceRead[] = [
  { source: 'ui', ok: true, devices: [] },
  { source: 'nso', ok: true, devices: lab.inventory().map((d) => ({ name: d.hostname, managementIp: d.managementIp, port: d.port, platform: 'eos' })) },
];
const timed = async (concurrency: number) => {
  const s0 = performance.now();
  const plan = await planReconcile({ reads: labReads, known: [], defaults: { platform: 'eos', type: 'ACCESS' } }, { probe: sshProbe, concurrency });
  if (plan.summary.add !== LAB) throw new Error(`expected ${LAB} verified adds, got ${JSON.stringify(plan.summary)}`);
  return ms(s0);
};
const serial = await timed(1);
const parallel = await timed(8);
row(
  `verify ${LAB} new lab devices over SSH, concurrency 8`,
  `${parallel.toFixed(0)} ms`,
  '-',
  `${(serial / parallel).toFixed(1)}x faster than one at a time (${serial.toFixed(0)} ms)`,
);
await lab.stop();
await rm(labDir, { recursive: true, force: true });

const w = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c]!.length))) as [number, number, number];
process.stdout.write(`\n${'measure'.padEnd(w[0])}  ${'result'.padEnd(w[1])}  ${'target'.padEnd(w[2])}  ratio\n`);
for (const r of rows) process.stdout.write(`${r[0].padEnd(w[0])}  ${r[1].padEnd(w[1])}  ${r[2].padEnd(w[2])}  ${r[3]}\n`);
