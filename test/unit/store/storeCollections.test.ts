/**
 * Every collection a module declares (`declare module '../../../src/model/store.ts' { interface Collections {...} }`)
 * has a schema in src/compose/storeCollections.ts, so a store load checks its records. tsc catches a
 * missing entry too; this test names it even where a cast or `any` slipped past the compiler.
 */
import { expect } from 'chai';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { storeCollections } from '../../../src/compose/storeCollections.ts';

const SRC = new URL('../../../src/', import.meta.url).pathname;

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : Promise.resolve(e.name.endsWith('.ts') ? [join(dir, e.name)] : []))),
  );
  return nested.flat();
}

/** Field names inside every `interface Collections { ... }` body in src (comments removed). */
async function declaredCollections(): Promise<Map<string, string>> {
  const declared = new Map<string, string>();
  for (const file of await sourceFiles(SRC)) {
    const text = (await readFile(file, 'utf8')).replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    for (const body of text.matchAll(/interface Collections\s*\{([^}]*)\}/g)) {
      for (const field of body[1]!.matchAll(/^\s*([A-Za-z_$][\w$]*)\??\s*:/gm)) declared.set(field[1]!, file.slice(SRC.length));
    }
  }
  return declared;
}

describe('store collections and their schemas', () => {
  it('has a schema for every declared collection and none for a collection nobody declares', async () => {
    const declared = await declaredCollections();
    expect(declared.size, 'found no Collections declarations: has the declaration pattern changed?').to.be.greaterThan(5);
    const missing = [...declared].filter(([name]) => !(name in storeCollections)).map(([name, file]) => `${name} (declared in src/${file})`);
    expect(missing, 'collections without a schema in src/compose/storeCollections.ts').to.deep.equal([]);
    expect(Object.keys(storeCollections).filter((name) => !declared.has(name))).to.deep.equal([]);
  });

  it('checks records for real: every schema refuses an empty object and a string', () => {
    for (const [name, schema] of Object.entries(storeCollections)) {
      expect(schema.safeParse({}).success, name).to.equal(false);
      expect(schema.safeParse('x').success, name).to.equal(false);
    }
  });
});
