/** The store file is owner-only (0600) from its first byte, and an older world-readable one is tightened. */
import { storeCollections } from '../../../src/compose/storeCollections.ts';
import { expect } from 'chai';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LowdbStore } from '../../../src/store/lowdbStore.ts';

describe('store: file modes', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'netsync-modes-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const mode = (p: string) => statSync(p).mode & 0o777;

  it('creates the store directory 0700 and writes store.json 0600, even over a stale 0644 temp file', async () => {
    const path = join(dir, 'data', 'store.json');
    const store = new LowdbStore(path, { collections: storeCollections });
    await store.init();
    writeFileSync(join(dir, 'data', '.store.json.tmp'), 'stale', { mode: 0o644 });
    await store.setMeta('k', { v: 1 });
    await store.close();
    expect(mode(join(dir, 'data'))).to.equal(0o700);
    expect(mode(path)).to.equal(0o600);
  });

  it('tightens a world-readable store.json left by an older version when it opens it', async () => {
    const path = join(dir, 'store.json');
    writeFileSync(path, JSON.stringify({ version: 1, devices: {}, events: [], nextEventId: 1, records: {}, meta: {} }), { mode: 0o644 });
    expect(mode(path)).to.equal(0o644);
    const store = new LowdbStore(path, { collections: storeCollections });
    await store.init();
    expect(mode(path)).to.equal(0o600);
    await store.close();
  });
});
