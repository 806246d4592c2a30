/** Real GitHub webhook payloads from @octokit/webhooks-examples, pointed at the commits and repo of a test. */
import { createRequire } from 'node:module';

const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as { name: string; examples: any[] }[];

export function githubPullRequestPayload(action: string, opts: { head: string; base: string; number?: number; repo?: string }): any {
  const example = examples.find((e) => e.name === 'pull_request')!.examples.find((e) => e.action === action);
  if (!example) throw new Error(`@octokit/webhooks-examples has no pull_request '${action}' example`);
  const payload = structuredClone(example);
  payload.pull_request.head.sha = opts.head;
  payload.pull_request.base.sha = opts.base;
  if (opts.number !== undefined) payload.number = payload.pull_request.number = opts.number;
  if (opts.repo) {
    const [owner, name] = opts.repo.split('/');
    payload.pull_request.base.ref = 'main';
    payload.repository.full_name = opts.repo;
    payload.repository.name = name;
    payload.repository.owner.login = owner;
  }
  return payload;
}
