/**
 * The bench's baseline: renders in piscina worker threads, as netsync did before its render processes
 * (heap cap per thread, empty env, the same batches and task code), so the cost of processes is measured
 * against threads in the same run. Not used by netsync itself: on Node 20 a thread out of heap can abort
 * the whole process (nodejs/node#47224).
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { NetsyncError } from '../../src/model/errors.ts';
import type { RenderExecutor } from '../../src/render/index.ts';
import type { RenderedConfig, RenderTarget } from '../../src/render/renderConfig.ts';
import { DEFAULT_INPUT_LIMITS } from '../../src/render/inputLimits.ts';
import type { RenderBudget, RenderJob } from '../../src/render/renderJob.ts';
import { DEFAULT_RENDER_BUDGET } from '../../src/render/renderJob.ts';
import { deserializeError } from '../../src/render/workerProtocol.ts';
import type { RenderBatchReply } from '../../src/render/workerProtocol.ts';

export class ThreadRenderPool implements RenderExecutor {
  private readonly pool: Piscina;
  private readonly threads: number;

  constructor(
    private readonly budget: RenderBudget = DEFAULT_RENDER_BUDGET,
    threads = availableParallelism(),
  ) {
    this.threads = threads;
    this.pool = new Piscina({
      filename: fileURLToPath(new URL('./threadTaskTs.cjs', import.meta.url)),
      minThreads: 0,
      maxThreads: threads,
      env: {},
      argv: [],
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: budget.memoryMb, maxYoungGenerationSizeMb: Math.min(64, Math.max(8, budget.memoryMb / 8)) },
    });
  }

  async renderMany(job: RenderJob): Promise<(RenderedConfig | NetsyncError)[]> {
    const size = Math.min(250, Math.max(50, Math.ceil(job.devices.length / this.threads)));
    const batches: RenderTarget[][] = [];
    for (let i = 0; i < job.devices.length; i += size) batches.push(job.devices.slice(i, i + size));
    return (await Promise.all(batches.map((devices) => this.runBatch(job, devices, false)))).flat();
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }

  private async runBatch(job: RenderJob, devices: RenderTarget[], withFiles: boolean): Promise<(RenderedConfig | NetsyncError)[]> {
    const task = {
      settings: { sha: job.settings.sha, ...(withFiles ? { files: job.settings.files } : {}) },
      templates: { sha: job.templates.sha, ...(withFiles ? { files: job.templates.files } : {}) },
      devices,
      secrets: job.secrets,
      limits: job.limits ?? DEFAULT_INPUT_LIMITS,
      maxOutputBytes: this.budget.maxOutputBytes,
      progress: new SharedArrayBuffer(4),
    };
    const reply = (await this.pool.run(task)) as RenderBatchReply;
    if ('missing' in reply) return this.runBatch(job, devices, true);
    return reply.results.map((r) => ('error' in r ? deserializeError(r) : r));
  }
}
