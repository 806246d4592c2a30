/** /api/v1/repositories: the state of each repo, and an on-demand refresh (what a poll does, now). */
import { Router } from 'express';
import { NetsyncError } from '../../model/errors.ts';
import type { RepoKind } from '../../render/index.ts';
import type { Store } from '../../model/store.ts';
import type { IntakeService } from '../../intake/intakeService.ts';
import { REPO_KINDS } from '../../intake/intakeService.ts';
import { readRepoState } from '../../intake/repoState.ts';
import { clip } from '../errors.ts';
import { emptyBodySchema } from '../schemas.ts';
import { parseInput } from '../../model/parseInput.ts';
import { readRepoStatuses } from '../../intake/repoStatus.ts';

function repoParam(name: string): RepoKind {
  if (!(REPO_KINDS as string[]).includes(name))
    throw new NetsyncError('NOT_FOUND', `repository '${clip(name, 64)}' does not exist (settings, templates)`, { repository: clip(name, 64) });
  return name as RepoKind;
}

export function repositoriesRouter(intake: IntakeService, store: Store): Router {
  const r = Router();
  r.get('/repositories', async (_req, res) => {
    const statuses = await readRepoStatuses(store);
    const repositories = await Promise.all(
      REPO_KINDS.map(async (name) => {
        const { recent: _r, name: _n, ...status } = statuses.find((s) => s.name === name)!;
        return { name, ...(await readRepoState(store, name)), ...status };
      }),
    );
    const events = (await store.listRecords('repoEvents')).sort((a, b) => b.at.localeCompare(a.at)).slice(0, 20);
    res.json({ repositories, events });
  });
  r.post('/repositories/:name/refresh', async (req, res) => {
    const repo = repoParam(req.params.name);
    parseInput(emptyBodySchema, req.body);
    const result = await intake.refresh(repo, 'api');
    res.json({ result });
  });
  return r;
}
