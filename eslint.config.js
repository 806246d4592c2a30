// ESLint flat config: typescript-eslint, plus the layering rule of DESIGN §2 —
// pure domain code may not import adapters' libraries or do I/O itself.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ioModules = ['express', 'lowdb', 'lowdb/*', 'ssh2', 'pg', 'isomorphic-git', 'node:fs', 'node:fs/*', 'fs', 'fs/*', 'node:net', 'node:http'];

export default tseslint.config(
  { ignores: ['node_modules/**', '.netsync/**', 'dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    // CommonJS entry points (the render worker's bootstrap when running from TypeScript sources).
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
    files: ['src/model/**', 'src/impact/**', 'src/commit/**', 'src/render/**', 'src/alarms/**'],
    ignores: ['src/render/worker*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ioModules, message: 'pure domain code takes I/O through interfaces (DESIGN §2); move this to an adapter' }] },
      ],
    },
  },
  {
    files: ['src/model/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['../*', '../**', ...ioModules], message: 'model imports nothing of ours and does no I/O (DESIGN §2)' }] },
      ],
    },
  },
);
