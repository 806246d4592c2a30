import { expect } from 'chai';
import { silentLogger } from '../../../src/model/ports.ts';
import type { InventorySync } from '../../../src/sources/inventorySync.ts';
import { scheduleInventorySync } from '../../../src/sources/schedule.ts';

async function until(cond: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('sources/scheduleInventorySync', () => {
  it('runs the sync on the cron as "schedule" and stops when told', async function () {
    this.timeout(10_000);
    const calls: { dryRun: boolean; by: string }[] = [];
    const sync = { run: async (o: { dryRun: boolean; by: string }) => void calls.push(o) } as unknown as InventorySync;
    const task = scheduleInventorySync('* * * * * *', sync, silentLogger);
    await until(() => calls.length >= 1, 4000);
    await task.stop();
    const seen = calls.length;
    expect(calls[0]).to.deep.equal({ dryRun: false, by: 'schedule' });
    await new Promise((r) => setTimeout(r, 1300));
    expect(calls.length).to.equal(seen);
  });

  it('refuses an invalid expression with CONFIG_INVALID', () => {
    const sync = {} as InventorySync;
    expect(() => scheduleInventorySync('every now and then', sync, silentLogger)).to.throw().with.property('code', 'CONFIG_INVALID');
  });
});
