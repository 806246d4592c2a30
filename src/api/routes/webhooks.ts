/**
 * The HTTP adapter for webhooks: POST /webhooks/{github|gitea|gitlab}. The body is taken raw (capped) so
 * the signature is checked over exactly the bytes the sender signed, before any JSON parsing.
 */
import express, { Router } from 'express';
import { NetsyncError } from '../../model/errors.ts';
import type { IntakeService } from '../../intake/intakeService.ts';
import type { Provider } from '../../intake/verifySignature.ts';
import { clip } from '../errors.ts';

const PROVIDERS: Provider[] = ['github', 'gitea', 'gitlab'];
const DELIVERY_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** The longest a push's sender may wait for the verdict (X-Netsync-Wait, seconds). */
const MAX_WAIT_SECONDS = 60;

/** X-Netsync-Wait: whole seconds 1..60 to wait for the push's verdict; absent = answer at once. */
function waitMs(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const n = Number(header);
  if (!/^\d+$/.test(header.trim()) || n < 1 || n > MAX_WAIT_SECONDS) {
    throw new NetsyncError('BAD_REQUEST', `X-Netsync-Wait must be whole seconds from 1 to ${MAX_WAIT_SECONDS}`, { header: 'x-netsync-wait' });
  }
  return n * 1000;
}

export function webhookRouter(intake: IntakeService, bodyLimit: string): Router {
  const r = Router();
  r.post('/webhooks/:provider', express.raw({ type: () => true, limit: bodyLimit }), async (req, res) => {
    const provider = req.params.provider as Provider;
    if (!PROVIDERS.includes(provider)) throw new NetsyncError('NOT_FOUND', `no webhook endpoint for '${clip(provider, 64)}' (github, gitea, gitlab)`);
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (rawBody.length === 0) throw new NetsyncError('BAD_REQUEST', 'webhook body is empty', { provider });
    const delivery = req.get('x-github-delivery') ?? req.get('x-gitea-delivery') ?? req.get('idempotency-key') ?? req.get('x-gitlab-event-uuid');
    // Kept for de-duplication and echoed in the answer: a short token (providers send UUIDs), never 16 KB.
    if (delivery !== undefined && !DELIVERY_ID.test(delivery)) {
      throw new NetsyncError('BAD_REQUEST', `webhook delivery id '${clip(delivery, 64)}' is not 1 to 128 letters, digits, '.', '_', ':' or '-'`, { provider });
    }
    const wait = waitMs(req.get('x-netsync-wait'));
    const answer = await intake.receiveWebhook({
      provider,
      rawBody,
      header: (name) => req.get(name),
      ...(delivery ? { delivery } : {}),
      ...(wait ? { waitMs: wait } : {}),
    });
    res.status(answer.status).json(answer.body);
  });
  return r;
}
