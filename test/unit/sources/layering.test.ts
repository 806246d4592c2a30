import { expect } from 'chai';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** The reconcile rules are pure (docs/design/architecture.md §2): they see the systems and devices only through interfaces. */
describe('sources/reconcile layering', () => {
  it('imports nothing but the model, its own files, the source types and p-limit', async () => {
    const dir = fileURLToPath(new URL('../../../src/sources/reconcile/', import.meta.url));
    const allowed = [/^\.\.\/\.\.\/model\//, /^\.\/[\w.]+\.ts$/, /^\.\.\/types\.ts$/, /^p-limit$/];
    const offending: string[] = [];
    for (const file of await readdir(dir)) {
      const text = await readFile(`${dir}${file}`, 'utf8');
      for (const m of text.matchAll(/^import\b[^;]*? from '([^']+)';/gm)) {
        if (!allowed.some((re) => re.test(m[1]!))) offending.push(`${file}: ${m[1]}`);
      }
    }
    expect(offending).to.deep.equal([]);
  });
});
