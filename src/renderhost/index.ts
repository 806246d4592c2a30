/**
 * Render host: the child processes renders run in (the template sandbox's second wall; docs/guides/rendering.md).
 *
 *   renderProcesses(budget?, processes?) -> RenderExecutor for new Renderer(source, {executor}): a pool shared
 *     by every renderer of this process with the same budget; processes start on first use.
 *   RenderPool: the pool itself (renderMany, parseSettings, parseTemplates, structuredPatch and differ for
 *     config diffs under render.diffTimeoutMs, close, pids).
 */
import { DEFAULT_RENDER_BUDGET } from '../render/index.ts';
import type { RenderBudget, RenderExecutor } from '../render/index.ts';
import { sharedRenderPool } from './renderPool.ts';

export { RenderPool } from './renderPool.ts';

/** The render processes, with netsync.yml `render`'s budget (defaults for what is left out). */
export function renderProcesses(budget: Partial<RenderBudget> = {}, processes?: number): RenderExecutor {
  return sharedRenderPool({ ...DEFAULT_RENDER_BUDGET, ...budget }, processes);
}
