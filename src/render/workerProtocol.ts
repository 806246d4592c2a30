/**
 * What the daemon and a render process exchange over the IPC channel (Node's "advanced" serialization, the
 * structured clone: Maps, strings, plain objects).
 */
import { isNetsyncError, NetsyncError } from '../model/errors.ts';
import type { ErrorCode } from '../model/errors.ts';
import type { StructuredPatch } from 'diff';
import type { PatchRequest } from './configDiff.ts';
import type { InputLimits } from './inputLimits.ts';
import type { RenderedConfig, RenderTarget } from './renderConfig.ts';
import type { SettingsDoc, SettingsSnapshot } from './settingsSnapshot.ts';
import type { ParsedTemplates } from './templatesSnapshot.ts';

export interface CommitFiles {
  sha: string;
  /** Sent only when the process has not parsed this commit (or said it lacks it). */
  files?: Map<string, string>;
}

export interface RenderBatchTask {
  settings: CommitFiles;
  templates: CommitFiles;
  devices: RenderTarget[];
  secrets: Record<string, string>;
  defaults?: SettingsDoc;
  /** The configured input limits (netsync.yml `repos.limits`) the commits are parsed under. */
  limits: InputLimits;
  maxOutputBytes: number;
}

export type WorkerRendered = RenderedConfig;

export interface SerializedError {
  error: { code: ErrorCode; message: string; data: Record<string, unknown> };
}

export type RenderBatchReply = { missing: ('settings' | 'templates')[] } | { results: (WorkerRendered | SerializedError)[] };

/** Parse one commit (the daemon never parses a push on its own main thread: a 1 MB YAML file takes seconds). */
export interface ParseTask {
  repo: 'settings' | 'templates';
  sha: string;
  files: Map<string, string>;
  limits: InputLimits;
}

export type ParseReply = { settings: Omit<SettingsSnapshot, 'files'> } | { templates: ParsedTemplates };

/** Diff two configs under the diff budget (the daemon's main thread never runs a diff: one can take seconds). */
export type DiffTask = PatchRequest & { timeoutMs: number };

/** `patch: null`: the diff did not finish within its budget. */
export interface DiffReply {
  patch: StructuredPatch | null;
}

/** Parent -> process: one task at a time. */
export type TaskMessage = { task: RenderBatchTask } | { parse: ParseTask } | { diff: DiffTask };

/** Process -> parent: `progress` while a task runs (device index or PARSING, and Date.now()), then its `reply`. */
export type ProcessMessage = { progress: [device: number, at: number] } | { reply: RenderBatchReply | ParseReply | DiffReply } | { ready: true };

/** What a process caches a parsed commit under: a commit parsed under other limits is another parse. */
export function commitKey(sha: string, limits: InputLimits): string {
  return `${sha}|${JSON.stringify(limits)}`;
}

export function serializeError(err: unknown): SerializedError {
  if (isNetsyncError(err)) return { error: { code: err.code, message: err.message, data: JSON.parse(JSON.stringify(err.data)) as Record<string, unknown> } };
  return { error: { code: 'RENDER_FAILED', message: (err as Error)?.message ?? String(err), data: {} } };
}

export function deserializeError(e: SerializedError): NetsyncError {
  return new NetsyncError(e.error.code, e.error.message, e.error.data);
}
