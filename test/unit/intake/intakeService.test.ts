/** IntakeService without a daemon: delivery de-duplication around a full queue (503). */
import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import { IntakeService } from '../../../src/intake/intakeService.ts';
import type { WebhookRequest } from '../../../src/intake/intakeService.ts';
import { NetsyncError } from '../../../src/model/errors.ts';
import { silentLogger } from '../../../src/model/ports.ts';
import { githubPullRequestPayload } from '../../helpers/codehost/webhookExamples.ts';

const SECRET = 'intake-unit-secret';
const repo = (name: string) => ({ path: `/srv/${name}`, branch: 'main', names: [`netops/${name}`], webhookSecrets: [SECRET] });

function request(delivery: string): WebhookRequest {
  const rawBody = Buffer.from(JSON.stringify(githubPullRequestPayload('opened', { head: 'a'.repeat(40), base: 'b'.repeat(40), repo: 'netops/templates' })));
  const headers: Record<string, string> = {
    'x-github-event': 'pull_request',
    'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(rawBody).digest('hex')}`,
  };
  return { provider: 'github', rawBody, delivery, header: (name) => headers[name] };
}

describe('intake: IntakeService delivery de-duplication', () => {
  it('a delivery refused with UNAVAILABLE (queue full) is processed when redelivered; an accepted one only once', async () => {
    const intake = new IntakeService({
      repos: { settings: repo('settings'), templates: repo('templates') },
      refresh: () => Promise.reject(new Error('not called')),
      logger: silentLogger,
      queueSize: 10,
    });
    let full = true;
    let handled = 0;
    intake.setPullRequestHandler(() => {
      if (full) throw new NetsyncError('UNAVAILABLE', 'queue full');
      handled++;
      return { accepted: true };
    });
    const refused = await intake.receiveWebhook(request('d-1')).catch((e: unknown) => e);
    expect(refused).to.have.property('code', 'UNAVAILABLE');
    full = false;
    const retried = await intake.receiveWebhook(request('d-1'));
    expect(retried.body).to.include({ accepted: true, repo: 'templates' });
    const again = await intake.receiveWebhook(request('d-1'));
    expect([again.status, again.body.duplicate]).to.deep.equal([200, true]);
    expect(handled).to.equal(1);
  });
});
