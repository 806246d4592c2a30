/** /api/v1/repositories: the state of each repo, and an on-demand refresh (what a poll does, now). */
import { Router } from 'express';
import { NetsyncError } from '../../model/errors.ts';
import type { RepoKind } from '../../render/index.ts';
import type { Store } from '../../model/store.ts';
import type { IntakeService } from '../../intake/intakeService.ts';
import { REPO_KINDS } from '../../intake/intakeService.ts';
import { readRepoState } from '../../intake/repoState.ts';

function repoParam(name: string): RepoKind {
  if (!(REPO_KINDS as string[]).includes(name)) throw new NetsyncError('NOT_FOUND', `repository '${name}' does not exist (settings, templates)`, { repository: name });
  return name as RepoKind;
}

export function repositoriesRouter(intake: IntakeService, store: Store): Router {
  const r = Router();
  r.get('/repositories', async (_req, res) => {
    const repositories = await Promise.all(REPO_KINDS.map(async (name) => ({ name, ...(await readRepoState(store, name)) })));
    const events = (await store.listRecords('repoEvents')).sort((a, b) => b.at.localeCompare(a.at)).slice(0, 20);
    res.json({ repositories, events });
  });
  r.post('/repositories/:name/refresh', async (req, res) => {
    const result = await intake.refresh(repoParam(req.params.name), 'api');
    res.json({ result });
  });
  return r;
}
