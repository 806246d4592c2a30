/** Config section `checks`: pull-request status checks. Tokens come from the environment (`${GITHUB_TOKEN}`). */
import { z } from 'zod';

const hostSchema = (defaultUrl?: string) =>
  z
    .object({
      token: z.string().min(1),
      /** GitHub: API root (https://api.github.com, or https://ghe.example.com/api/v3); Gitea/GitLab: server root. */
      baseUrl: defaultUrl ? z.string().url().default(defaultUrl) : z.string().url(),
    })
    .strict();

export const checksConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Commit-status context (GitHub, Gitea) or name (GitLab). */
    context: z.string().min(1).max(100).default('netsync/impact'),
    /** This daemon's URL as reviewers reach it; statuses link to <publicUrl>/checks/<id>. No link when unset. */
    publicUrl: z.string().url().optional(),
    /** Keep one PR comment with the device table and diffs, updated on every push. */
    comment: z.boolean().default(true),
    /** Check draft PRs too (default: from ready_for_review on). */
    drafts: z.boolean().default(false),
    /** Runs waiting at most before webhooks get 503. */
    maxQueued: z.number().int().min(1).default(100),
    /** Checks kept per PR in the store; older ones (and their pages) are deleted. */
    keepPerPullRequest: z.number().int().min(1).default(10),
    /**
     * Megabytes of per-device results (diffs) kept in the store across all checks: only the newest check of
     * each PR keeps them, newest PRs first, within this budget; the others keep their state and counts.
     */
    detailMB: z.number().positive().default(8),
    github: hostSchema('https://api.github.com').optional(),
    gitea: hostSchema().optional(),
    gitlab: hostSchema().optional(),
  })
  .strict();

export type ChecksConfig = z.infer<typeof checksConfigSchema>;
export const CHECKS_DEFAULTS = {
  enabled: true,
  context: 'netsync/impact',
  comment: true,
  drafts: false,
  maxQueued: 100,
  keepPerPullRequest: 10,
  detailMB: 8,
} as const;
