#!/usr/bin/env node
// Runs the TypeScript sources directly (no build step) through tsx's loader.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
// Long-running commands (serve, lab) keep the event loop busy; the rest end when their work is done.
process.exitCode = await main(process.argv);
