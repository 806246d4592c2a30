/**
 * PR status checks: what a check works on and what it produces. Pure types;
 * the report builder, the publishers and the service all share them.
 */

import { z } from 'zod';
import { isoTime, keyedRecord, recordSchema } from '../model/schemaKit.ts';

export type ProviderName = 'github' | 'gitea' | 'gitlab';
export const PROVIDERS: readonly ProviderName[] = ['github', 'gitea', 'gitlab'];

/** A pull request (merge request on GitLab) at one head commit. */
export interface PullRequestRef {
  provider: ProviderName;
  /** `owner/name` on GitHub and Gitea; the project's full path (`group/sub/project`) on GitLab. */
  repo: string;
  number: number;
  headSha: string;
}

/** Where rendering failed: the message and, when the renderer knows it, the template and line. */
export interface RenderFailure {
  message: string;
  template?: string;
  line?: number;
}

/**
 * `config` must already have secret values masked (the renderer's `masked`); `hash` is over the real
 * config, so a change only in secrets still counts.
 */
export type RenderOutcome = { ok: true; config: string; hash?: string } | { ok: false; error: RenderFailure };

/** One device the change may affect, with its rendered config at base and at head. */
export interface ImpactedDevice {
  hostname: string;
  type: string;
  platform: string;
  /** Why the impact rules picked it, e.g. "settings access/vlans.yml". */
  reason: string;
  /** Absent when the device did not exist at base (its config then counts as empty). */
  before?: RenderOutcome;
  after: RenderOutcome;
}

export type DeviceOutcome = 'changed' | 'unchanged' | 'render_failed';

export interface DeviceCheckResult {
  hostname: string;
  type: string;
  platform: string;
  reason: string;
  outcome: DeviceOutcome;
  added: number;
  removed: number;
  /** Unified diff with secrets masked; empty when unchanged or failed. */
  diff: string;
  /** True when the config changed only in masked (secret) values, so the diff cannot show it. */
  secretsChanged?: boolean;
  error?: RenderFailure;
}

export type CheckState = 'pending' | 'success' | 'failure' | 'error';

export interface CheckReport {
  conclusion: 'success' | 'failure';
  /** One line for the commit status, within every provider's limit (140 characters on GitHub). */
  description: string;
  baseSha: string;
  headSha: string;
  devices: DeviceCheckResult[];
  /** Devices that would change (or fail), counted per device type. */
  countsByType: Record<string, number>;
  changed: number;
  unchanged: number;
  failed: number;
}

/** A check as persisted in the store (collection `checks`) and served by the API. */
export interface CheckRecord {
  id: string;
  provider: ProviderName;
  repo: string;
  number: number;
  title?: string;
  action: string;
  baseSha: string;
  headSha: string;
  /** What a re-run after a restart needs: the branches and which of our repos the PR is on. */
  baseRef?: string;
  headRef?: string;
  repoKind?: 'settings' | 'templates';
  context: string;
  state: CheckState;
  description: string;
  report?: CheckReport;
  /** The report's per-device results (and diffs) were removed to bound the store; counts remain. */
  detailsTrimmed?: boolean;
  /** The PR comment we keep updated, once written. */
  commentId?: string;
  /** Problems talking to the provider (the check itself may still have a result). */
  publishErrors: string[];
  createdAt: string;
  updatedAt: string;
}

declare module '../model/store.ts' {
  interface Collections {
    checks: CheckRecord;
  }
}

const renderFailureSchema = recordSchema<RenderFailure>()(z.object({ message: z.string(), template: z.string().optional(), line: z.number().optional() }));

const deviceCheckResultSchema = recordSchema<DeviceCheckResult>()(
  z.object({
    hostname: z.string(),
    type: z.string(),
    platform: z.string(),
    reason: z.string(),
    outcome: z.enum(['changed', 'unchanged', 'render_failed']),
    added: z.number().int(),
    removed: z.number().int(),
    diff: z.string(),
    secretsChanged: z.boolean().optional(),
    error: renderFailureSchema.optional(),
  }),
);

const checkReportSchema = recordSchema<CheckReport>()(
  z.object({
    conclusion: z.enum(['success', 'failure']),
    description: z.string(),
    baseSha: z.string(),
    headSha: z.string(),
    devices: z.array(deviceCheckResultSchema),
    countsByType: keyedRecord(z.number()),
    changed: z.number().int(),
    unchanged: z.number().int(),
    failed: z.number().int(),
  }),
);

/** Checked at every store load (listed in src/compose/storeCollections.ts). */
export const checkRecordSchema = recordSchema<CheckRecord>()(
  z.object({
    id: z.string().min(1),
    provider: z.enum(['github', 'gitea', 'gitlab']),
    repo: z.string(),
    number: z.number().int(),
    title: z.string().optional(),
    action: z.string(),
    baseSha: z.string(),
    headSha: z.string(),
    baseRef: z.string().optional(),
    headRef: z.string().optional(),
    repoKind: z.enum(['settings', 'templates']).optional(),
    context: z.string(),
    state: z.enum(['pending', 'success', 'failure', 'error']),
    description: z.string(),
    report: checkReportSchema.optional(),
    detailsTrimmed: z.boolean().optional(),
    commentId: z.string().optional(),
    publishErrors: z.array(z.string()),
    createdAt: isoTime,
    updatedAt: isoTime,
  }),
);
