/**
 * PR-check benchmark: a template change that touches every ACCESS switch of N devices (default 2,000).
 * Measures the whole check computation (impact, render at base and head, masked diffs, report) and the
 * PR comment built from it, and compares with a baseline measured in the same run: rendering each device
 * from freshly parsed repos (what a check without the per-commit parse cache would cost).
 * Run: `node --import tsx bench/checks.ts [devices]`.
 */
import { buildReport } from '../src/checks/buildReport.ts';
import { analyzeCommits } from '../src/checks/impactAnalyzer.ts';
import { GITHUB_COMMENT_MAX, markdownReport } from '../src/checks/markdownReport.ts';
import { ImpactService, parseSettingsRules } from '../src/impact/index.ts';
import { parseSettings, parseTemplates, Renderer, renderConfig } from '../src/render/index.ts';
import { DEFAULT_RULES, exampleRepos } from '../test/helpers/repoFixtures.ts';
import { renderProcesses } from '../src/renderhost/index.ts';

const N = Number(process.argv[2] ?? 2_000);
const devices = Array.from({ length: N }, (_, i) => {
  const type = i % 20 === 0 ? 'CORE' : i % 20 < 4 ? 'DIST' : 'ACCESS';
  return { hostname: `sw-${i}`, type, platform: type === 'ACCESS' ? 'eos' : 'netconf', groups: [`g${i % 100}`], managementIp: '10.0.0.1' };
});

const repos = await exampleRepos();
const access = repos.commits.templates.get('t0')!.get('eos/access.j2')!;
repos.change('templates', 't1', { 'eos/access.j2': `${access}ip routing\nip name-server 10.0.0.53\n` });
const renderer = new Renderer(repos, { executor: renderProcesses() });
const impact = new ImpactService(repos, renderer, parseSettingsRules(DEFAULT_RULES));

const ms = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e6;
let t = process.hrtime.bigint();
const impacted = await analyzeCommits({ impact, renderer, devices: async () => devices }, 'templates', 't0', 't1');
const report = await buildReport({ baseSha: 't0', headSha: 't1', devices: impacted });
const checkMs = ms(t);
t = process.hrtime.bigint();
const comment = markdownReport(report, { reportUrl: 'https://netsync.example.net/checks/x' });
const commentMs = ms(t);
const shown = (comment.match(/<details>/g) ?? []).length;

// Baseline: parse both commits again for every device render.
const sample = impacted.slice(0, Math.min(200, impacted.length));
t = process.hrtime.bigint();
for (const d of sample) {
  for (const sha of ['t0', 't1']) {
    const inputs = { settings: parseSettings(repos.commits.settings.get('s0')!), templates: parseTemplates(repos.commits.templates.get(sha)!) };
    renderConfig(
      devices.find((x) => x.hostname === d.hostname)!,
      inputs,
    );
  }
}
const baselineMs = (ms(t) / sample.length) * impacted.length;

const rows: [string, string, string][] = [
  ['devices / impacted / changed', `${N} / ${impacted.length} / ${report.changed}`, '-'],
  [
    'check: impact + 2 renders each + diffs + report',
    `${checkMs.toFixed(0)} ms (${((checkMs / impacted.length) * 1000).toFixed(0)} µs per device)`,
    `${(baselineMs / checkMs).toFixed(1)}x faster than re-parsing per render (${baselineMs.toFixed(0)} ms, extrapolated from ${sample.length})`,
  ],
  ['PR comment build', `${commentMs.toFixed(1)} ms`, '-'],
  ['PR comment size', `${comment.length} chars (limit ${GITHUB_COMMENT_MAX})`, `${shown} diffs shown, ${report.changed - shown} left to the full report`],
  ['status description', report.description, `${[...report.description].length} chars (limit 140)`],
];
const width = rows.map((r) => r[0].length).reduce((a, b) => Math.max(a, b));
for (const [name, value, note] of rows) process.stdout.write(`${name.padEnd(width)}  ${value}  ${note}\n`);
