// ESLint flat config: typescript-eslint, plus the layering of docs/design/architecture.md ("Layers"):
// for each layer, the folders of ours and the I/O modules it may not import. Every src/ folder belongs to one layer.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Modules that do I/O or belong to one adapter; pure code gets them through interfaces instead. */
const IO_MODULES = [
  'express',
  'lowdb',
  'lowdb/*',
  'ssh2',
  'pg',
  'isomorphic-git',
  'isomorphic-git/*',
  'node:fs',
  'node:fs/*',
  'fs',
  'fs/*',
  'node:child_process',
  'child_process',
  'node:net',
  'net',
  'node:http',
  'http',
  'node:https',
  'https',
  'node:dgram',
  'dgram',
];

/** Which of our folders each layer may import (besides itself). */
const PURE_OK = ['model', 'impact', 'commit', 'render', 'alarms', 'deviceconfig', 'protocol'];
const ADAPTER_FOLDERS = [
  'store',
  'git',
  'drivers',
  'intake',
  'checks',
  'sources',
  'jobs',
  'inventory',
  'monitoring',
  'logging',
  'renderhost',
  'postgres',
  'cluster',
];
const ADAPTER_OK = [...PURE_OK, ...ADAPTER_FOLDERS];
/** Every folder of src/: each belongs to one layer below. */
const ALL_FOLDERS = [...PURE_OK, ...ADAPTER_FOLDERS, 'lab', 'config', 'api', 'ui', 'cli', 'compose'];
const LAYERS = [
  { name: 'model', folders: ['model'], may: [], io: false, why: 'model imports nothing of ours and does no I/O' },
  {
    name: 'pure',
    folders: ['impact', 'commit', 'render', 'alarms', 'deviceconfig', 'protocol'],
    may: PURE_OK,
    io: false,
    why: 'pure code takes I/O and adapters through interfaces; move this to an adapter',
  },
  {
    name: 'adapters',
    folders: ADAPTER_FOLDERS,
    may: ADAPTER_OK,
    io: true,
    why: 'adapters implement interfaces; wiring belongs in src/compose, HTTP in src/api',
  },
  {
    name: 'lab',
    folders: ['lab'],
    may: ['model', 'deviceconfig', 'protocol'],
    io: true,
    why: 'the lab simulates devices and shares only model, device-config parsing and protocol code with netsync',
  },
  // ui: its configSchema.ts (the web interface's settings) is gathered like every feature's.
  { name: 'config', folders: ['config'], may: [...ADAPTER_OK, 'ui'], io: true, why: "config gathers the features' schemas; it wires nothing" },
  { name: 'api', folders: ['api', 'ui'], may: [...ADAPTER_OK, 'api', 'ui'], io: true, why: 'the API is thin: it calls services that src/compose hands it' },
];

/** Import patterns (gitignore style, as no-restricted-imports reads them) matching a folder of ours from anywhere in src/. */
function folderPatterns(folder) {
  return [`../${folder}/*`, `../${folder}/**`, `../../${folder}/*`, `../../${folder}/**`, `../../../${folder}/*`, `../../../${folder}/**`];
}

/** The no-restricted-imports config for one layer; exported for the test that plants violations. */
export function layerRule(layer) {
  const banned = ALL_FOLDERS.filter((f) => !layer.folders.includes(f) && !layer.may.includes(f));
  const patterns = [{ group: banned.flatMap(folderPatterns), message: `${layer.name}: ${layer.why} (docs/design/architecture.md#layers)` }];
  if (layer.name === 'model')
    patterns.push({ group: ['../*', '../**'], message: 'model imports nothing of ours outside model/ (docs/design/architecture.md#layers)' });
  if (!layer.io) patterns.push({ group: IO_MODULES, message: `${layer.name}: ${layer.why} (docs/design/architecture.md#layers)` });
  return ['error', { patterns }];
}

export const layers = LAYERS;
/** Every folder of src/ the rule knows (a test checks that src/ has no other). */
export const folders = ALL_FOLDERS;

export default tseslint.config(
  { ignores: ['node_modules/**', '.netsync/**', 'dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    // CommonJS entry points (the render process's bootstrap when running from TypeScript sources).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Tests read raw JSON replies of the API under test and assert their shape field by field.
    files: ['test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Functions a reader can hold in their head; tests (long describe blocks) are exempt.
    files: ['src/**'],
    rules: { 'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }] },
  },
  ...LAYERS.map((layer) => ({
    files: layer.folders.map((f) => `src/${f}/**`),
    rules: { 'no-restricted-imports': layerRule(layer) },
  })),
);
