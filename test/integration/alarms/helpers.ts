/** Small helpers the alarm integration tests share. */
import type { TestDaemon } from '../../helpers/daemon.ts';
import { removeDir } from '../../helpers/daemon.ts';

/** Sets a device's persisted unsyncedSince `seconds` in the past, as if it had been unsynchronized that long. */
export async function makeOld(t: TestDaemon, hostname: string, seconds: number): Promise<void> {
  const since = new Date(Date.now() - seconds * 1000).toISOString();
  await t.daemon.store.changeDevices({ update: [{ hostname, apply: (d) => ({ ...d, synchronized: false, unsyncedSince: since }) }] });
}

/**
 * Things to stop after each test, newest first (a Nagios before the daemon it checks).
 * Register with `afterEach(stops.run)`; every entry is attempted even if one fails.
 */
export class Stops {
  private readonly items: (() => Promise<unknown>)[] = [];

  add<T extends { stop(): Promise<unknown> }>(thing: T): T {
    this.items.push(() => thing.stop());
    return thing;
  }

  daemon(t: TestDaemon): TestDaemon {
    this.items.push(async () => {
      await t.stop();
      await removeDir(t.dir);
    });
    return t;
  }

  readonly run = async (): Promise<void> => {
    const errors: unknown[] = [];
    while (this.items.length > 0) await this.items.pop()!().catch((err: unknown) => errors.push(err));
    if (errors.length > 0) throw new AggregateError(errors, 'cleanup failed');
  };
}
