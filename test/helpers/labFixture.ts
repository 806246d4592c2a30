/** Starts a lab in a temp state dir for one mocha suite and stops it afterwards. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, type Lab } from '../../src/lab/index.ts';
import type { StartLabOptions } from '../../src/lab/types.ts';

export interface LabFixture {
  lab: Lab;
  stateDir: string;
  stop(): Promise<void>;
}

export async function startTestLab(opts: Omit<StartLabOptions, 'stateDir'> & { stateDir?: string }): Promise<LabFixture> {
  const stateDir = opts.stateDir ?? (await mkdtemp(join(tmpdir(), 'netsync-lab-')));
  const lab = await startLab({ ...opts, stateDir });
  return {
    lab,
    stateDir,
    async stop() {
      await lab.stop();
      if (!opts.stateDir) await rm(stateDir, { recursive: true, force: true });
    },
  };
}
