/**
 * /healthz while a runaway template is cut off at the render budget, against /healthz with nothing running,
 * in the same run, through a real daemon (this process: real HTTP, real git repos, render processes). The
 * daemon's event-loop delay (perf_hooks) tells whether its main thread was blocked or only short of CPU. Then
 * the same while a push of settings files at the size limit is parsed (the YAML parser runs in a render process).
 * Run: `node --import tsx bench/renderBudget.ts [budgetMs]`. Prints a table with the load average.
 */
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startGitOps } from '../test/helpers/gitopsDaemon.ts';

const BUDGET_MS = Number(process.argv[2] ?? 2000);
const RUNAWAY = '{% for i in range(0, 100000) %}{% for j in range(0, 100000) %}{% endfor %}{% endfor %}\n';
const pct = (v: number[], p: number) => [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor((p / 100) * v.length))]!;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');

interface Window {
  latencies: number[];
  failures: number;
  loopDelayMaxMs: number;
  loopDelayP99Ms: number;
  ms: number;
}

/** Asks /healthz every 25 ms until `work` settles (or for `ms` when there is no work). */
async function healthWindow(url: string, work: (() => Promise<unknown>) | number): Promise<Window> {
  const eld = monitorEventLoopDelay({ resolution: 5 });
  eld.enable();
  const start = performance.now();
  let done = false;
  const running = typeof work === 'number' ? new Promise((r) => setTimeout(r, work)) : work();
  void running.finally(() => (done = true));
  const latencies: number[] = [];
  let failures = 0;
  while (!done) {
    const t = performance.now();
    // A connection the daemon resets (its keep-alive timer fired while its main thread was held) counts as a
    // failed request, and its time as a latency.
    const ok = await fetch(`${url}/healthz`).then(
      async (res) => (await res.text(), res.status === 200),
      () => false,
    );
    latencies.push(performance.now() - t);
    if (!ok) failures++;
    await new Promise((r) => setTimeout(r, 25));
  }
  await running;
  eld.disable();
  return { latencies, failures, loopDelayMaxMs: eld.max / 1e6, loopDelayP99Ms: eld.percentile(99) / 1e6, ms: performance.now() - start };
}

const loadBefore = load();
const f = await startGitOps({}, undefined, { render: { timeoutMs: BUDGET_MS } });
await f.t.daemon.gitops!.intake.pollAll();
// Warm: the render processes are started and have parsed the commit in force.
await f.t.call('POST', '/api/v1/repositories/templates/refresh');

const idle = await healthWindow(f.t.url, 3000);
f.templates.commitAndPush({ 'eos/access.j2': RUNAWAY }, 'runaway loop');
let verdict = '';
const runaway = await healthWindow(f.t.url, async () => {
  const res = await f.t.call('POST', '/api/v1/repositories/templates/refresh');
  verdict = `${res.body.result.status}: ${(res.body.result.problems as string[]).filter((p) => p.includes('render budget')).length} devices over the budget`;
});
// A push of settings files at the size limit (1 MB of YAML each: seconds of parsing per file).
const BIG_FILES = Number(process.env.BIG_FILES ?? 4);
const big: Record<string, string> = {};
const lines = ['interfaces:'];
for (let i = 0; lines.length < 11_000; i++) lines.push(`  - { name: Ethernet${i}, description: "port ${i} to somewhere", vlan: ${1 + (i % 4000)} }`);
for (let i = 0; i < BIG_FILES; i++) big[`devices/eos-access-1/big-${i}.yml`] = `${lines.join('\n')}\n# ${i}\n`;
const bigBytes = Object.values(big).reduce((n, t) => n + t.length, 0);
f.settings.commitAndPush(big, 'big settings files');
let bigVerdict = '';
const parsing = await healthWindow(f.t.url, async () => {
  const res = await f.t.call('POST', '/api/v1/repositories/settings/refresh');
  bigVerdict = `${res.body.result.status}${res.body.result.problems?.length ? `: ${res.body.result.problems[0]}` : ''}`;
});
await f.cleanup();

const rows: [string, string, string][] = [];
const describe = (w: Window) =>
  `${w.latencies.length} requests${w.failures ? ` (${w.failures} failed)` : ''}, p50 ${pct(w.latencies, 50).toFixed(1)} / p99 ${pct(w.latencies, 99).toFixed(1)} / max ${Math.max(...w.latencies).toFixed(1)} ms`;
rows.push(['/healthz, nothing rendering (baseline, 3 s)', describe(idle), '-']);
rows.push([`/healthz while a runaway template is cut off (${BUDGET_MS} ms budget, ${(runaway.ms / 1000).toFixed(1)} s)`, describe(runaway), 'max < 100 ms']);
rows.push(['daemon event-loop delay, baseline: p99 / max', `${idle.loopDelayP99Ms.toFixed(1)} / ${idle.loopDelayMaxMs.toFixed(1)} ms`, '-']);
rows.push([
  'daemon event-loop delay, during the runaway: p99 / max',
  `${runaway.loopDelayP99Ms.toFixed(1)} / ${runaway.loopDelayMaxMs.toFixed(1)} ms`,
  'main thread never blocked',
]);
rows.push(['the push', verdict, 'rejected']);
rows.push([
  `/healthz while ${BIG_FILES} settings files of ${(bigBytes / BIG_FILES / 1e6).toFixed(2)} MB are parsed (${(parsing.ms / 1000).toFixed(1)} s)`,
  describe(parsing),
  'max < 100 ms',
]);
rows.push([
  'daemon event-loop delay, during that parse: p99 / max',
  `${parsing.loopDelayP99Ms.toFixed(1)} / ${parsing.loopDelayMaxMs.toFixed(1)} ms`,
  'main thread never blocked',
]);
rows.push(['that push', bigVerdict.slice(0, 120), '-']);
rows.push(['load average (1 / 5 / 15 min), before / after', `${loadBefore}  /  ${load()}`, '-']);
const w = [Math.max(...rows.map((r) => r[0].length)), Math.max(...rows.map((r) => r[1].length))];
process.stdout.write(`\n${'measure'.padEnd(w[0]!)}  ${'result'.padEnd(w[1]!)}  target\n`);
for (const r of rows) process.stdout.write(`${r[0].padEnd(w[0]!)}  ${r[1].padEnd(w[1]!)}  ${r[2]}\n`);
