import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import { SignatureVerifier } from '../../../src/intake/verifySignature.ts';

const req = (provider: 'github' | 'gitea' | 'gitlab', body: string, headers: Record<string, string>) => ({
  provider,
  rawBody: Buffer.from(body),
  header: (name: string) => headers[name.toLowerCase()],
});

describe('intake: webhook signature verification', () => {
  // https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
  it("GitHub's published test vector verifies", async () => {
    const v = new SignatureVerifier({ settings: ["It's a Secret to Everybody"] });
    const ok = await v.verify(
      req('github', 'Hello, World!', { 'x-hub-signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17' }),
    );
    expect([...ok]).to.deep.equal(['settings']);
  });

  it('a one-byte change in the body or the signature fails', async () => {
    const v = new SignatureVerifier({ settings: ["It's a Secret to Everybody"] });
    const sig = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
    expect((await v.verify(req('github', 'Hello, World?', { 'x-hub-signature-256': sig }))).size).to.equal(0);
    expect((await v.verify(req('github', 'Hello, World!', { 'x-hub-signature-256': sig.replace(/7$/, '8') }))).size).to.equal(0);
    expect((await v.verify(req('github', 'Hello, World!', {}))).size).to.equal(0);
  });

  it('tells which repo a secret belongs to, and tries every secret (rotation)', async () => {
    const v = new SignatureVerifier({ settings: ['settings-new-1', 'settings-old-1'], templates: ['templates-1'] });
    const sign = (secret: string) => `sha256=${createHmac('sha256', secret).update('{}').digest('hex')}`;
    expect([...(await v.verify(req('github', '{}', { 'x-hub-signature-256': sign('settings-old-1') })))]).to.deep.equal(['settings']);
    expect([...(await v.verify(req('github', '{}', { 'x-hub-signature-256': sign('templates-1') })))]).to.deep.equal(['templates']);
  });

  it('Gitea: bare hex HMAC in X-Gitea-Signature; GitLab: the token itself', async () => {
    const v = new SignatureVerifier({ settings: ['gitea-or-gitlab'] });
    const hex = createHmac('sha256', 'gitea-or-gitlab').update('{"a":1}').digest('hex');
    expect((await v.verify(req('gitea', '{"a":1}', { 'x-gitea-signature': hex }))).size).to.equal(1);
    expect((await v.verify(req('gitea', '{"a":2}', { 'x-gitea-signature': hex }))).size).to.equal(0);
    expect((await v.verify(req('gitlab', '{}', { 'x-gitlab-token': 'gitea-or-gitlab' }))).size).to.equal(1);
    expect((await v.verify(req('gitlab', '{}', { 'x-gitlab-token': 'gitea-or-gitla' }))).size).to.equal(0);
  });

  it('signs the raw bytes: a body that is not UTF-8 verifies over its bytes, never over the decoded U+FFFD text', async () => {
    const v = new SignatureVerifier({ settings: ['raw-bytes-secret'] });
    const bytes = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]); // {"a":"\xff\xfe"}
    const overBytes = `sha256=${createHmac('sha256', 'raw-bytes-secret').update(bytes).digest('hex')}`;
    const overText = `sha256=${createHmac('sha256', 'raw-bytes-secret').update(bytes.toString('utf8')).digest('hex')}`;
    expect(overBytes).not.to.equal(overText);
    const signed = (signature: string) => ({
      provider: 'github' as const,
      rawBody: bytes,
      header: (n: string) => (n === 'x-hub-signature-256' ? signature : undefined),
    });
    expect([...(await v.verify(signed(overBytes)))]).to.deep.equal(['settings']);
    expect((await v.verify(signed(overText))).size).to.equal(0);
  });

  it('treats a malformed signature header as no signature', async () => {
    const v = new SignatureVerifier({ settings: ['s'] });
    for (const sig of ['sha256=', 'sha1=abc', 'sha256=zz', `sha256=${'a'.repeat(63)}`, 'x'.repeat(10_000)]) {
      expect((await v.verify(req('github', '{}', { 'x-hub-signature-256': sig }))).size, sig.slice(0, 20)).to.equal(0);
    }
  });
});
