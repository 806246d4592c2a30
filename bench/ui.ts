/**
 * Web interface benchmark. Run: `node --import tsx bench/ui.ts [devices]` (default 10,000; 20% unsynchronized,
 * half of those past the alarm's warning threshold). Goal (#16): the Devices page lists a 10,000-device
 * inventory in under 300 ms server time. Times are loopback round trips (an upper bound on server time),
 * median of 5, each beside a baseline measured in the same run:
 * 1. GET /devices (first page of 50) against GET /api/v1/devices (the same store read, all devices as JSON);
 * 2. search + sort by IP, the alarm filter sorted by age with 250 rows, a type + group filter on a late page;
 * 3. the overview (counts, alarm, repos, jobs) against the same API baseline;
 * 4. the page's query (filter, sort, slice) and the live pages' inventory version (liveVersion.ts, computed on
 *    every listing and every second while a devices page is open) alone, against reading the devices from the store.
 */
import { buildDevice } from '../src/model/device.ts';
import type { Device } from '../src/model/device.ts';
import { parseDeviceQuery, queryDevices } from '../src/ui/deviceQuery.ts';
import { inventoryVersion } from '../src/ui/liveVersion.ts';
import { OPERATOR_TOKEN, READ_TOKEN, removeDir, startTestDaemon } from '../test/helpers/daemon.ts';

const N = Number(process.argv[2] ?? 10_000);
const RUNS = 5;
const GOAL_MS = 300;
const rows: [string, string, string][] = [];
const row = (name: string, value: string, ratio: string) => {
  rows.push([name, value, ratio]);
  process.stderr.write(`${name}: ${value}\n`);
};
async function median(fn: () => Promise<unknown> | unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
}

const t = await startTestDaemon();
const now = Date.now();
const devices: Device[] = [];
const types = ['ACCESS', 'DIST', 'CORE'];
for (let i = 0; i < N; i++) {
  const d = buildDevice(
    {
      hostname: `sw-${i}`,
      managementIp: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      platform: i % 2 ? 'eos' : 'junos',
      type: types[i % 3]!,
      groups: [`site-${i % 40}`],
    },
    new Date(now),
  );
  const unsynced = i % 5 === 0;
  const age = i % 10 === 0 ? 2 * 3600 : 600;
  devices.push({ ...d, synchronized: !unsynced, unsyncedSince: unsynced ? new Date(now - age * 1000).toISOString() : null });
}
await t.daemon.store.changeDevices({ create: devices });

// Sign in as a browser does: the CSRF token from the form, the session cookie from the answer.
let cookie = '';
const signinPage = await fetch(`${t.url}/signin`);
cookie = signinPage.headers.get('set-cookie')!.split(';')[0]!;
const csrf = /name="_csrf" value="([0-9a-f]+)"/.exec(await signinPage.text())![1]!;
const signedIn = await fetch(`${t.url}/signin`, {
  method: 'POST',
  headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ _csrf: csrf, token: OPERATOR_TOKEN }).toString(),
  redirect: 'manual',
});
cookie = signedIn.headers.get('set-cookie')!.split(';')[0]!;

async function page(path: string): Promise<string> {
  const res = await fetch(`${t.url}${path}`, { headers: { cookie } });
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
  return res.text();
}
const api = await median(async () => {
  const res = await fetch(`${t.url}/api/v1/devices`, { headers: { authorization: `Bearer ${READ_TOKEN}` } });
  await res.arrayBuffer();
});
const verdict = (ms: number) => (ms < GOAL_MS ? `under the ${GOAL_MS} ms goal` : `OVER the ${GOAL_MS} ms goal`);

const listings: [string, string, RegExp][] = [
  ['GET /devices (page 1 of 50 rows)', '/devices', /of 10000 devices|devices/],
  ['GET /devices?q=sw-99&sort=managementIp&dir=desc', '/devices?q=sw-99&sort=managementIp&dir=desc', /sw-99/],
  ['GET /devices?sync=alarm&sort=unsyncedSince&per=250', '/devices?sync=alarm&sort=unsyncedSince&per=250', /past|sw-/],
  ['GET /devices?type=ACCESS&group=site-7&page=3&per=25', '/devices?type=ACCESS&group=site-7&page=3&per=25', /sw-/],
];
for (const [name, path, expect] of listings) {
  const html = await page(path);
  if (!expect.test(html)) throw new Error(`${path} did not list what it should`);
  const ms = await median(() => page(path));
  row(name, `${ms.toFixed(1)} ms`, `${(ms / api).toFixed(2)}x GET /api/v1/devices (${api.toFixed(1)} ms); ${verdict(ms)}`);
}

{
  const html = await page('/');
  if (!html.includes(`>${N}<`)) throw new Error('the overview did not count the devices');
  const ms = await median(() => page('/'));
  row('GET / (overview)', `${ms.toFixed(1)} ms`, `${(ms / api).toFixed(2)}x GET /api/v1/devices (${api.toFixed(1)} ms); ${verdict(ms)}`);
}

const read = await median(() => t.daemon.store.listDevices());
const list = await t.daemon.store.listDevices();
const query = parseDeviceQuery({ q: 'sw-1', sort: 'managementIp', dir: 'desc', sync: 'unsynced' });
const pure = await median(() => queryDevices(list, query, t.daemon.alarms.service.thresholds, new Date()));
row(
  `query (search, filter, sort, page) over ${N} devices`,
  `${pure.toFixed(1)} ms`,
  `${(pure / read).toFixed(2)}x reading them from the store (${read.toFixed(1)} ms)`,
);
const version = await median(() => t.daemon.store.readDevices(inventoryVersion));
row(
  `inventory version (live pages) over ${N} devices`,
  `${version.toFixed(1)} ms`,
  `${(version / read).toFixed(2)}x reading them from the store (${read.toFixed(1)} ms)`,
);

await t.stop();
await removeDir(t.dir);

const w = [0, 1].map((c) => Math.max(...rows.map((r) => r[c]!.length))) as [number, number];
process.stdout.write(`\n${N} devices\n${'measure'.padEnd(w[0])}  ${'result'.padEnd(w[1])}  ratio\n`);
for (const r of rows) process.stdout.write(`${r[0].padEnd(w[0])}  ${r[1].padEnd(w[1])}  ${r[2]}\n`);
