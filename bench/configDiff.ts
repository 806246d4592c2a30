/**
 * Config diffs on the main thread (before) against diffs in a render process (now), in the same run: typical
 * configs (a 400-line config with a few lines changed, and one with a 60-line block replaced) and the hostile
 * case (two unrelated 20,000-line configs, which run until the diff budget stops them), with the main
 * thread's event-loop delay while each runs. Run: `node --import tsx bench/configDiff.ts [diffTimeoutMs]`.
 */
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { boundedTwoFilesPatch, inThreadDiffer } from '../src/render/configDiff.ts';
import type { ConfigDiffer } from '../src/render/configDiff.ts';
import { DEFAULT_RENDER_BUDGET } from '../src/render/index.ts';
import { RenderPool } from '../src/renderhost/index.ts';

const BUDGET_MS = Number(process.argv[2] ?? 2000);
const ROUNDS = 200;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');

const config = (n: number, tag = '') =>
  Array.from({ length: n }, (_, i) => (i % 20 === 0 ? `interface Ethernet${i / 20}${tag}` : `   description port ${i} vlan ${100 + (i % 7)}`)).join('\n') +
  '\n';
const typicalA = config(400);
const typicalB = typicalA.replace('port 17 ', 'port 17 changed ').replace('port 201 ', 'port 201 changed ') + 'ip routing\n';
const blockB = typicalA
  .split('\n')
  .map((l, i) => (i >= 100 && i < 160 ? `${l} new` : l))
  .join('\n');
const unrelated = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag} line ${i} ${(i * 7919) % 10007}`).join('\n') + '\n';
const hostileA = unrelated(20_000, 'old');
const hostileB = unrelated(20_000, 'new');

interface Measure {
  perDiffMs: number;
  loopDelayMaxMs: number;
  note: string;
}

async function measure(differ: ConfigDiffer, a: string, b: string, rounds: number): Promise<Measure> {
  const eld = monitorEventLoopDelay({ resolution: 5 });
  eld.enable();
  // A timer that must keep firing while the diffs run; its largest gap is what a blocked main thread shows
  // (perf_hooks' histogram records a block only once the loop turns again).
  let last = performance.now();
  let gapMax = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    gapMax = Math.max(gapMax, now - last - 5);
    last = now;
  }, 5);
  const start = performance.now();
  let note = '';
  for (let i = 0; i < rounds; i++) {
    const p = await boundedTwoFilesPatch(differ, 'a', 'b', a, b);
    note = p.tooLarge ? 'too large (over budget)' : `${p.text.split('\n').length} patch lines`;
    await new Promise((r) => setImmediate(r)); // one diff at a time holds the loop, not the whole series
  }
  const perDiffMs = (performance.now() - start) / rounds;
  await new Promise((r) => setTimeout(r, 20)); // let the timer see the end of a block
  clearInterval(tick);
  eld.disable();
  return { perDiffMs, loopDelayMaxMs: Math.max(gapMax, eld.max / 1e6), note };
}

const loadBefore = load();
const pool = new RenderPool({ ...DEFAULT_RENDER_BUDGET, diffTimeoutMs: BUDGET_MS }, 1);
const inThread = inThreadDiffer(BUDGET_MS);
const inProcess = pool.differ;
// Warm: the process is started and both sides have compiled the diff code.
await measure(inProcess, typicalA, typicalB, 20);
await measure(inThread, typicalA, typicalB, 20);

const rows: [string, Measure, Measure][] = [];
rows.push(['typical: 400 lines, 3 lines changed', await measure(inThread, typicalA, typicalB, ROUNDS), await measure(inProcess, typicalA, typicalB, ROUNDS)]);
rows.push([
  'typical: 400 lines, 60-line block replaced',
  await measure(inThread, typicalA, blockB, ROUNDS),
  await measure(inProcess, typicalA, blockB, ROUNDS),
]);
rows.push(['hostile: 2 x 20,000 unrelated lines', await measure(inThread, hostileA, hostileB, 1), await measure(inProcess, hostileA, hostileB, 1)]);
await pool.close();

const fmt = (m: Measure) => `${m.perDiffMs.toFixed(2)} ms/diff, loop delay max ${m.loopDelayMaxMs.toFixed(0)} ms`;
console.log(`config diffs, diffTimeoutMs ${BUDGET_MS}; load average (1/5/15 min) before ${loadBefore}, after ${load()}`);
console.log(`${'case'.padEnd(44)}${'main thread (before)'.padEnd(46)}render process (now)`);
for (const [name, a, b] of rows) console.log(`${name.padEnd(44)}${fmt(a).padEnd(46)}${fmt(b)}   [${b.note}]`);
