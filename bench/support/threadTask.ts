/** The baseline's worker-thread task (threadRenderPool.ts): the same renderBatch the render processes run. */
import { renderBatch } from '../../src/render/renderBatch.ts';
import type { RenderBatchReply, RenderBatchTask } from '../../src/render/workerProtocol.ts';

export default function threadTask(task: RenderBatchTask & { progress: SharedArrayBuffer }): RenderBatchReply {
  const view = new Int32Array(task.progress);
  return renderBatch(task, (device) => Atomics.store(view, 0, device));
}
