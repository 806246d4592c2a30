// Render worker entry when netsync runs from its TypeScript sources (tests, bin/netsync.js): tsx's require
// hook, registered in this thread, loads the task. Two other ways were measured on Node 20 and not taken:
// `--import tsx` in the worker's execArgv races (the task is sometimes imported before the loader is ready:
// "Unknown file extension .ts"), and tsx's ESM register() starts a loader thread per worker (~0.4 s more CPU
// per thread). Compiled JS (dist/) loads workerTask.js directly and never uses this file.
const { register } = require('tsx/cjs/api');

register();
module.exports = require('./workerTask.ts').default;
