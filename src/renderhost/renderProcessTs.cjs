// Render process entry when netsync runs from its TypeScript sources (tests, bin/netsync.js): tsx's require
// hook, registered in this process, loads the entry. (`--import tsx` would work in a process too, but tsx's
// ESM loader starts a loader thread and costs ~0.4 s more CPU per process.) Compiled JS (dist/) forks
// renderProcess.js directly and never uses this file.
const { register } = require('tsx/cjs/api');

register();
require('./renderProcess.ts');
