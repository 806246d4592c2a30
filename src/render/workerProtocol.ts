/** What the main thread and a render worker exchange (structured-clone-safe: Maps, strings, plain objects). */
import { isNetsyncError, NetsyncError } from '../model/errors.ts';
import type { ErrorCode } from '../model/errors.ts';
import type { RenderedConfig, RenderTarget } from './renderConfig.ts';
import type { SettingsDoc } from './settingsSnapshot.ts';

export interface CommitFiles {
  sha: string;
  /** Sent only when the worker said it lacks this commit. */
  files?: Map<string, string>;
}

export interface RenderBatchTask {
  settings: CommitFiles;
  templates: CommitFiles;
  devices: RenderTarget[];
  secrets: Record<string, string>;
  defaults?: SettingsDoc;
  maxOutputBytes: number;
  /** Int32Array over it: [index of the device being rendered, its start in ms after `epoch`]. */
  progress: SharedArrayBuffer;
  epoch: number;
}

export type WorkerRendered = RenderedConfig;

export interface SerializedError {
  error: { code: ErrorCode; message: string; data: Record<string, unknown> };
}

export type RenderBatchReply = { missing: ('settings' | 'templates')[] } | { results: (WorkerRendered | SerializedError)[] };

export function serializeError(err: unknown): SerializedError {
  if (isNetsyncError(err)) return { error: { code: err.code, message: err.message, data: JSON.parse(JSON.stringify(err.data)) as Record<string, unknown> } };
  return { error: { code: 'RENDER_FAILED', message: (err as Error)?.message ?? String(err), data: {} } };
}

export function deserializeError(e: SerializedError): NetsyncError {
  return new NetsyncError(e.error.code, e.error.message, e.error.data);
}
