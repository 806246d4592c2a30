/**
 * GitOps benchmark with 10,000 devices: impact of a 1,000-file change and render throughput (the
 * webhook-to-unsynced latency through a real daemon is bench/webhook.ts).
 * Run: `node --import tsx bench/impact.ts [devices]`. Prints a table with targets and ratios against
 * naive baselines measured in the same run (a full scan per path; re-parsing the repo per render).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeviceIndex, parseSettingsRules, resolveCandidates, selectorsFor } from '../src/impact/index.ts';
import type { ImpactDevice } from '../src/impact/index.ts';
import { parseSettings, parseTemplates, Renderer, renderConfig } from '../src/render/index.ts';
import type { RenderExecutor } from '../src/render/index.ts';
import { RenderPool } from '../src/renderhost/index.ts';
import { ThreadRenderPool } from './support/threadRenderPool.ts';
import { buildTemplateIndex } from '../src/impact/index.ts';
import { readDirFiles } from '../src/git/readDirFiles.ts';
import { DEFAULT_RULES, EXAMPLES } from '../test/helpers/repoFixtures.ts';
import { resultRows } from './support/resultRows.ts';

const N = Number(process.argv[2] ?? 10_000);
const { row, loadRow, print } = resultRows();
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
const time = (fn: () => unknown): number => {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
};

// ---- devices: 80% ACCESS (eos), 15% DIST, 5% CORE (netconf), 100 groups
const devices: (ImpactDevice & { managementIp: string })[] = [];
for (let i = 0; i < N; i++) {
  const type = i % 20 === 0 ? 'CORE' : i % 20 < 4 ? 'DIST' : 'ACCESS';
  devices.push({ hostname: `sw-${i}`, type, platform: type === 'ACCESS' ? 'eos' : 'netconf', groups: [`g${i % 100}`], managementIp: '10.0.0.1' });
}

// ---- 1. impact of a 1,000-file settings change
const rules = parseSettingsRules(DEFAULT_RULES);
const paths: string[] = [];
for (let i = 0; i < 700; i++) paths.push(`devices/sw-${i * 13}/interfaces.yml`);
for (let i = 0; i < 200; i++) paths.push(`groups/g${i % 100}/file-${i}.yml`);
for (let i = 0; i < 90; i++) paths.push(`${['access', 'dist', 'core'][i % 3]}/file-${i}.yml`);
for (let i = 0; i < 10; i++) paths.push(`docs/page-${i}.md`);
const impactTimes: number[] = [];
let affected = 0;
for (let r = 0; r < 30; r++)
  impactTimes.push(time(() => (affected = resolveCandidates({ repo: 'settings', changedPaths: paths, devices, rules }).candidates.length)));
// Baseline: for every path, test every device against the path's selectors (what a per-device loop does).
const naive = time(() => {
  const hit = new Set<string>();
  for (const p of paths) {
    for (const { selector } of selectorsFor(p, rules)) {
      for (const d of devices) {
        if (selector === 'all') hit.add(d.hostname);
        else if (selector.hostname?.some((h) => h.toLowerCase() === d.hostname.toLowerCase())) hit.add(d.hostname);
        else if (selector.group?.some((g) => d.groups.includes(g))) hit.add(d.hostname);
        else if (selector.type?.some((t) => t.toUpperCase() === d.type)) hit.add(d.hostname);
      }
    }
  }
});
const impactMs = median(impactTimes);
row(
  `impact: ${paths.length} settings files x ${N} devices (${affected} affected), median (min)`,
  `${impactMs.toFixed(2)} ms (${Math.min(...impactTimes).toFixed(2)})`,
  '< 20 ms',
  `${(naive / impactMs).toFixed(0)}x faster than a full scan (${naive.toFixed(0)} ms)`,
);

const templates = parseTemplates(await readDirFiles(join(EXAMPLES, 'templates')));
const tplIndex = buildTemplateIndex(templates);
const tplPaths = [...templates.files.keys()];
for (let i = 0; tplPaths.length < 1000; i++) tplPaths.push(`eos/unused-${i}.j2`);
const index = new DeviceIndex(devices);
const tplTimes: number[] = [];
for (let r = 0; r < 30; r++)
  tplTimes.push(time(() => resolveCandidates({ repo: 'templates', changedPaths: tplPaths, devices: index, templateIndexes: [tplIndex] })));
row(
  `impact: ${tplPaths.length} template files x ${N} devices, median (min)`,
  `${median(tplTimes).toFixed(2)} ms (${Math.min(...tplTimes).toFixed(2)})`,
  '< 20 ms',
  '-',
);

// ---- 2. render throughput: in this thread (nunjucks with the sandbox's runtime hooks), then as netsync renders,
// in render processes (one per core, empty env, heap cap, time budget), against worker threads (how it rendered
// before: same batches and task code), cold (start + parse) and warm.
const settingsFiles = await readDirFiles(join(EXAMPLES, 'settings'));
for (let i = 0; i < N; i += 10)
  settingsFiles.set(`devices/sw-${i}/interfaces.yml`, `interfaces:\n  - { name: Ethernet${i % 48}, description: port ${i}, vlan: 10 }\n`);
const settings = parseSettings(settingsFiles);
const renderAll = () => {
  for (const d of devices) renderConfig(d, { settings, templates });
};
renderAll(); // warm-up: compile templates
const cpu0 = process.cpuUsage();
const renderMs = time(renderAll);
const perSec = N / (renderMs / 1000);
// Per CPU-second (process.cpuUsage counts every thread): the figure a loaded, shared machine does not distort.
const cpuSeconds = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1e6;
const perCpuSec = N / cpuSeconds(process.cpuUsage(cpu0));
const naiveN = 200;
const naiveMs = time(() => {
  for (const d of devices.slice(0, naiveN)) renderConfig(d, { settings: parseSettings(settingsFiles), templates: parseTemplates(templates.files) });
});
const naivePerSec = naiveN / (naiveMs / 1000);
row(
  `render: ${N} configs, in-thread, sandbox hooks (wall 1)`,
  `${perSec.toFixed(0)} configs/s (${perCpuSec.toFixed(0)}/CPU-s)`,
  '-',
  `${(perSec / naivePerSec).toFixed(0)}x re-parsing per render (${naivePerSec.toFixed(0)}/s); before the sandbox: 6,070/s (issue #13)`,
);

const commits = { settings: 'bench-settings', templates: 'bench-templates' };
const source = {
  resolve: async (repo: 'settings' | 'templates') => commits[repo],
  files: async (repo: 'settings' | 'templates') => (repo === 'settings' ? settingsFiles : templates.files),
};
/** CPU seconds of render processes so far (utime + stime from /proc; process.cpuUsage counts this process only). */
const childCpuSeconds = (pids: number[]) =>
  pids.reduce((sum, pid) => {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return sum + (Number(fields[11]) + Number(fields[12])) / 100;
  }, 0);
/** Cold (start + parse) and warm (median of 3) renders of every device through `executor`. */
async function pooledRenders(executor: RenderExecutor, pids: () => number[]): Promise<{ coldMs: number; warmPerSec: number; warmPerCpuSec: number }> {
  const renderer = new Renderer(source, { executor });
  const ctx = await renderer.context();
  const once = async () => {
    const t = performance.now();
    const results = await ctx.renderMany(devices);
    const failed = results.filter((r) => r instanceof Error);
    if (failed.length > 0) throw new Error(`bench renders failed: ${(failed[0] as Error).message}`);
    return performance.now() - t;
  };
  const coldMs = await once();
  const cpu = process.cpuUsage();
  const children = childCpuSeconds(pids());
  const warmRuns = [await once(), await once(), await once()];
  const cpuUsed = cpuSeconds(process.cpuUsage(cpu)) + childCpuSeconds(pids()) - children;
  await renderer.close();
  return { coldMs, warmPerSec: N / (median(warmRuns) / 1000), warmPerCpuSec: (3 * N) / cpuUsed };
}
// Baseline: worker threads (piscina), as before the render processes; process.cpuUsage counts its threads.
const threads = await pooledRenders(new ThreadRenderPool(), () => []);
const processPool = new RenderPool();
const processes = await pooledRenders(processPool, () => processPool.pids);
const pooledRows = (label: string, m: typeof threads, compare: string) => {
  row(
    `render: ${N} configs, ${label}, cold: start + parse`,
    `${(N / (m.coldMs / 1000)).toFixed(0)} configs/s`,
    '>= 2,000/s',
    `${m.coldMs.toFixed(0)} ms for all`,
  );
  row(
    `render: ${N} configs, ${label}, warm, median of 3`,
    `${m.warmPerSec.toFixed(0)} configs/s (${m.warmPerCpuSec.toFixed(0)}/CPU-s)`,
    '>= 2,000/s',
    `${(m.warmPerSec / perSec).toFixed(2)}x in-thread${compare}; on 2 idle cores ~${(2 * m.warmPerCpuSec).toFixed(0)}/s`,
  );
};
pooledRows('worker threads (before; baseline)', threads, '');
pooledRows(
  'render processes (walls 1+2)',
  processes,
  `; ${(processes.warmPerSec / threads.warmPerSec).toFixed(2)}x threads, ${(processes.warmPerCpuSec / threads.warmPerCpuSec).toFixed(2)}x per CPU-s`,
);
loadRow('at the end of the render rows');

// ---- 3. webhook -> unsynchronized: bench/webhook.ts (a real daemon, git pushes, minutes).

print();
