#!/usr/bin/env node
// Runs the compiled JavaScript in dist/ (`npm run build`; `npm ci` builds it through the prepare script).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('netsync: dist/ is missing; build it first with `npm run build` (npm ci runs it)\n');
  process.exit(1);
}
// `netsync status | head` closes the pipe early: stop quietly, as other Unix tools do, instead of a stack trace.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});
// The daemon runs for weeks: V8 keeps its heap small (a smaller young generation, fewer optimised copies of
// code) rather than quick to grow. Set before the daemon's modules load; about 10 MB less resident memory idle,
// and the 1 MB semi-space took the start-up peak from 102 to 88 MB (bench/cliStartup.ts, bench/README.md).
if (process.argv[2] === 'serve') (await import('node:v8')).setFlagsFromString('--optimize-for-size --max-semi-space-size=1');
const { main } = await import(entry.href);
// Long-running commands (serve, lab) keep the event loop busy; the rest end when their work is done.
process.exitCode = await main(process.argv);
