/**
 * The HTTP adapter for webhooks: POST /webhooks/{github|gitea|gitlab}. The body is taken raw (capped) so
 * the signature is checked over exactly the bytes the sender signed, before any JSON parsing.
 */
import express, { Router } from 'express';
import { NetsyncError } from '../../model/errors.ts';
import type { IntakeService } from '../../intake/intakeService.ts';
import type { Provider } from '../../intake/verifySignature.ts';

const PROVIDERS: Provider[] = ['github', 'gitea', 'gitlab'];

export function webhookRouter(intake: IntakeService, bodyLimit: string): Router {
  const r = Router();
  r.post('/webhooks/:provider', express.raw({ type: () => true, limit: bodyLimit }), async (req, res) => {
    const provider = req.params.provider as Provider;
    if (!PROVIDERS.includes(provider)) throw new NetsyncError('NOT_FOUND', `no webhook endpoint for '${provider}' (github, gitea, gitlab)`);
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (rawBody.length === 0) throw new NetsyncError('BAD_REQUEST', 'webhook body is empty', { provider });
    const delivery = req.get('x-github-delivery') ?? req.get('x-gitea-delivery') ?? req.get('idempotency-key') ?? req.get('x-gitlab-event-uuid');
    const answer = await intake.receiveWebhook({ provider, rawBody, header: (name) => req.get(name), ...(delivery ? { delivery } : {}) });
    res.status(answer.status).json(answer.body);
  });
  return r;
}
