/**
 * Store benchmark: the same operations on both backends in one run, at 10,000 devices (argument 1) with two
 * events each, lowdb (a file in a temp dir) and PostgreSQL (a database of its own on 127.0.0.1:5432, created
 * and dropped here). Run: `node --import tsx bench/store.ts [devices]`. Prints the median of RUNS timings per
 * operation and backend, the ratio PostgreSQL / lowdb, and the load average at the start and the end.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { storeCollections } from '../src/compose/storeCollections.ts';
import { buildDevice } from '../src/model/device.ts';
import type { Device } from '../src/model/device.ts';
import type { Job } from '../src/model/job.ts';
import { LowdbStore } from '../src/store/lowdbStore.ts';
import { PostgresStore } from '../src/store/postgres/postgresStore.ts';
import type { Store } from '../src/model/store.ts';
import { removeDir, tempDir } from '../test/helpers/daemon.ts';
import { createTestDatabase } from '../test/helpers/postgres.ts';

const N = Number(process.argv[2] ?? 10_000);
const RUNS = 7;
const JOBS = 500;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const loadAtStart = load();

async function median(fn: (i: number) => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn(i);
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
}

const job = (id: string): Job => ({
  id,
  kind: 'syncto',
  status: 'RUNNING',
  args: {},
  by: 'bench',
  progress: { done: 0, total: 1 },
  perDevice: {},
  createdAt: new Date().toISOString(),
});

async function fill(store: Store): Promise<void> {
  const now = new Date();
  const devices: Device[] = [];
  for (let i = 0; i < N; i++) {
    const d = buildDevice(
      {
        hostname: `sw-${i}`,
        managementIp: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
        platform: 'eos',
        type: i % 20 === 0 ? 'CORE' : 'ACCESS',
        groups: ['campus'],
      },
      now,
    );
    devices.push({ ...d, synchronized: i % 5 !== 0 });
  }
  await store.changeDevices({ create: devices });
  const at = now.toISOString();
  const events = devices.flatMap((d) => [
    { hostname: d.hostname, cause: 'templates_changed' as const, by: 'push', at, commit: 'c1', detail: 'old push', clearedAt: at },
    { hostname: d.hostname, cause: 'settings_changed' as const, by: 'push', at, commit: 'c2', detail: 'open push' },
  ]);
  await store.changeDevices({ events });
  await store.updateRecord('jobs', 'bench', () => job('bench'));
  // A full job history: 500 ended jobs, each with a diff for 20 devices (about 40 KB per job).
  const diff = Array.from({ length: 40 }, (_, k) => `-   description port ${k}\n+   description staff port ${k}`).join('\n');
  for (let j = 0; j < JOBS; j++) {
    const perDevice = Object.fromEntries(Array.from({ length: 20 }, (_, k) => [`sw-${k}`, { status: 'synced' as const, changed: true, diff }]));
    await store.updateRecord('jobs', `done-${j}`, () => ({ ...job(`done-${j}`), status: 'FINISHED', perDevice }));
  }
}

type Op = [name: string, run: (store: Store, i: number) => Promise<unknown>];
const ops: Op[] = [
  [
    'changeDevices: 1 update + 1 event',
    (s, i) =>
      s.changeDevices({
        update: [{ hostname: `sw-${i}`, apply: (d) => ({ ...d, synchronized: false }) }],
        events: [{ hostname: `sw-${i}`, cause: 'manual', by: 'bench', at: 'now', detail: 'bench' }],
      }),
  ],
  [
    '20 parallel changeDevices (1 device each)',
    (s, i) =>
      Promise.all(
        Array.from({ length: 20 }, (_, k) => s.changeDevices({ update: [{ hostname: `sw-${100 + i * 20 + k}`, apply: (d) => ({ ...d, groups: ['x'] }) }] })),
      ),
  ],
  [
    'changeDevices: clear events of 500 devices',
    (s, i) => s.changeDevices({ clearEvents: { hostnames: Array.from({ length: 500 }, (_, k) => `sw-${1000 + i * 500 + k}`), at: 'now' } }),
  ],
  ['getDevice', (s, i) => s.getDevice(`SW-${i}`)],
  ['listDevices (all)', (s) => s.listDevices()],
  ['listDevices (unsynchronized)', (s) => s.listDevices({ synchronized: false })],
  ['listDevices (one type: 5% of devices)', (s) => s.listDevices({ type: 'CORE' })],
  ['readDevices (count)', (s) => s.readDevices((d) => d.length)],
  ['listEvents for a host', (s, i) => s.listEvents({ hostname: `sw-${i}` })],
  ['listEvents open only (all hosts)', (s) => s.listEvents({ openOnly: true })],
  ['updateRecord (job progress)', (s, i) => s.updateRecord('jobs', 'bench', (j) => ({ ...j!, progress: { done: i, total: RUNS } }))],
  [
    `updateRecord + readRecords of ${JOBS + 1} jobs (the web job list)`,
    async (s, i) => {
      await s.updateRecord('jobs', 'bench', (j) => ({ ...j!, progress: { done: i, total: RUNS } }));
      return s.readRecords('jobs', (jobs) => jobs.filter((j) => j.status === 'RUNNING').length);
    },
  ],
  [
    'transact: record + device + event',
    (s, i) =>
      s.transact((view) => {
        const j = view.record('jobs', 'bench')!;
        const d = view.device(`sw-${i}`)!;
        return {
          result: undefined,
          records: [{ collection: 'jobs' as const, id: 'bench', value: { ...j, log: [`${i}`] } }],
          devices: {
            update: [{ hostname: d.hostname, apply: (x: Device) => ({ ...x, synchronized: true }) }],
            clearEvents: { hostnames: [d.hostname], at: 'now' },
          },
        };
      }),
  ],
  ['transact reading every device', (s) => s.transact((view) => ({ result: view.devices().length }))],
];

const results = new Map<string, Record<string, number>>();
const fills: Record<string, number> = {};
const dir = await tempDir('netsync-bench-store-');
const db = await createTestDatabase('bench_store');
try {
  const backends: [string, Store][] = [
    ['lowdb', new LowdbStore(join(dir, 'store.json'), { collections: storeCollections })],
    ['postgres', new PostgresStore({ url: db.url, collections: storeCollections })],
  ];
  for (const [name, store] of backends) {
    await store.init();
    const t0 = performance.now();
    await fill(store);
    fills[name] = performance.now() - t0;
    for (const [op, run] of ops) {
      const ms = await median((i) => run(store, i));
      results.set(op, { ...results.get(op), [name]: ms });
      process.stderr.write(`${name} ${op}: ${ms.toFixed(2)} ms\n`);
    }
    await store.close();
  }
} finally {
  await db.drop();
  await removeDir(dir);
}

const rows: string[][] = [
  ['fill: create devices + 2 events each', fills.lowdb!.toFixed(0), fills.postgres!.toFixed(0), (fills.postgres! / fills.lowdb!).toFixed(2)],
];
for (const [op, r] of results) rows.push([op, r.lowdb!.toFixed(2), r.postgres!.toFixed(2), `${(r.postgres! / r.lowdb!).toFixed(2)}x`]);
const head = [`operation (${N} devices, median of ${RUNS})`, 'lowdb ms', 'postgres ms', 'postgres/lowdb'];
const w = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(w[c]!) : cell.padStart(w[c]!))).join('  ');
process.stdout.write(
  `\n${line(head)}\n${rows.map(line).join('\n')}\nload average (1/5/15 min): ${loadAtStart} at the start, ${load()} at the end; node ${process.version}\n`,
);
