/** The store file is written piece by piece; the pieces make the same JSON that one JSON.stringify would. */
import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { storeCollections } from '../../../src/compose/storeCollections.ts';
import { buildDevice, hostnameKey } from '../../../src/model/device.ts';
import { decodeStoreFile, emptyStoreData, encodeStoreFile } from '../../../src/store/storeFile.ts';
import { writePrivateFile } from '../../../src/store/privateFile.ts';
import { removeDir, tempDir } from '../../helpers/daemon.ts';

function sample(devices: number) {
  const data = emptyStoreData();
  for (let i = 0; i < devices; i++) {
    const d = buildDevice({ hostname: `leaf-${i}`, managementIp: `10.0.${i >> 8}.${i & 255}`, platform: 'eos', type: 'ACCESS' }, new Date(0));
    data.devices.set(hostnameKey(d.hostname), { ...d, groups: ['g"quoted"', 'ünïcode ✓'] });
  }
  data.events.push({ id: 1, hostname: 'leaf-0', cause: 'settings_changed', by: 'a <a@b>', at: new Date(0).toISOString(), detail: 'line\nbreak' });
  data.nextEventId = 2;
  data.meta.set('__proto__', { kept: 'as data' });
  data.meta.set('gone', undefined);
  return data;
}

describe('store/storeFile encoding', () => {
  it('gives the JSON that stringifying the whole store would, and reads back to the same store', () => {
    const data = sample(3);
    const text = [...encodeStoreFile(data, 'test')].join('');
    const whole = JSON.stringify({
      version: 1,
      writtenBy: 'test',
      devices: Object.fromEntries(data.devices),
      events: data.events,
      nextEventId: data.nextEventId,
      records: {},
      meta: Object.fromEntries(data.meta),
    });
    expect(JSON.parse(text)).to.deep.equal(JSON.parse(whole));
    expect(Object.keys(JSON.parse(text).meta)).to.deep.equal(['__proto__']);
    const back = decodeStoreFile(text, 'store.json', storeCollections, 'test');
    expect([...back.devices.keys()]).to.deep.equal([...data.devices.keys()]);
    expect(back.meta.get('__proto__')).to.deep.equal({ kept: 'as data' });
  });

  it('never holds the whole file as one piece, and writes a file of many chunks intact', async () => {
    const dir = await tempDir('netsync-storefile-');
    try {
      const data = sample(2000);
      const pieces = [...encodeStoreFile(data, 'test')];
      const longest = Math.max(...pieces.map((p) => p.length));
      const total = pieces.reduce((n, p) => n + p.length, 0);
      expect(total).to.be.above(500_000);
      expect(longest).to.be.below(2_000);
      const path = join(dir, 'store.json');
      await writePrivateFile(path, encodeStoreFile(data, 'test'));
      const written = await readFile(path, 'utf8');
      expect(written).to.equal(pieces.join(''));
      expect(decodeStoreFile(written, path, storeCollections, 'test').devices.size).to.equal(2000);
    } finally {
      await removeDir(dir);
    }
  });
});
