import { expect } from 'chai';
import { RefreshQueue } from '../../../src/intake/refreshQueue.ts';

describe('intake: refresh queue', () => {
  it('runs one refresh at a time per repo and merges requests that wait', async () => {
    const log: string[] = [];
    let active = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const q = new RefreshQueue<string, string>(async (key, triggers) => {
      active++;
      expect(active).to.equal(1);
      log.push(`${key}:${triggers.join('+')}`);
      if (triggers[0] === 'a') await gate;
      active--;
      return triggers.join('+');
    }, 10);
    const first = q.enqueue('settings', 'a');
    await new Promise((r) => setImmediate(r));
    const second = q.enqueue('settings', 'b');
    const third = q.enqueue('settings', 'c');
    expect(second).to.equal(third);
    release();
    expect(await first).to.equal('a');
    expect(await second).to.equal('b+c');
    expect(log).to.deep.equal(['settings:a', 'settings:b+c']);
  });

  it('refuses with UNAVAILABLE when full, and keeps running after a failed refresh', async () => {
    const q = new RefreshQueue<string, string>(async (key) => {
      if (key.startsWith('bad')) throw new Error('boom');
      return key;
    }, 1);
    const failed = q.enqueue('bad', 't').catch((e: Error) => e.message);
    expect(() => q.enqueue('other', 't'))
      .to.throw()
      .with.property('code', 'UNAVAILABLE');
    expect(await failed).to.equal('boom');
    expect(await q.enqueue('bad2', 't').catch(() => 'x')).to.equal('x');
    expect(await q.enqueue('ok', 't')).to.equal('ok');
    await q.idle();
  });
});
