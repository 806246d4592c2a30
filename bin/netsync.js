#!/usr/bin/env node
// Runs the TypeScript sources directly (no build step) through tsx's loader.
import { register } from 'tsx/esm/api';

register();
// `netsync status | head` closes the pipe early: stop quietly, as other Unix tools do, instead of a stack trace.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});
const { main } = await import('../src/cli/main.ts');
// Long-running commands (serve, lab) keep the event loop busy; the rest end when their work is done.
process.exitCode = await main(process.argv);
