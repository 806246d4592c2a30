/**
 * Writes external commands to the Nagios/Icinga command file. That file is a
 * FIFO: a plain open() blocks until Nagios reads it, which would hang the
 * sweep whenever Nagios is down. Opening with O_NONBLOCK fails at once with
 * ENXIO instead, and the result is skipped (the NOC's freshness check turns
 * the service red if results stop arriving).
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { CommandSink, SinkOutcome } from '../alarms/passive.ts';

const RETRIES_WHEN_FULL = 5;

export class NagiosCommandFile implements CommandSink {
  constructor(readonly target: string) {}

  async write(line: string): Promise<SinkOutcome> {
    let handle;
    try {
      handle = await open(this.target, constants.O_WRONLY | constants.O_NONBLOCK | constants.O_APPEND);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENXIO') return 'no-reader';
      if (code === 'ENOENT') return 'missing';
      throw err;
    }
    try {
      const data = Buffer.from(line);
      // Lines under PIPE_BUF are written whole; EAGAIN means Nagios is behind, so give it a moment.
      for (let attempt = 0; ; attempt++) {
        try {
          await handle.write(data);
          return 'written';
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EAGAIN' || attempt >= RETRIES_WHEN_FULL) throw err;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    } finally {
      await handle.close();
    }
  }
}
