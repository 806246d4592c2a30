/**
 * Webhook authentication over the raw body, before any parsing, against every configured secret (several
 * per repo, for rotation). GitHub and Gitea sign the body with HMAC-SHA256 (verified by @octokit/webhooks,
 * constant-time); GitLab sends the secret itself in X-Gitlab-Token (compared in constant time).
 * Returns the repos whose secret matched: a payload must then name one of them.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Webhooks } from '@octokit/webhooks';

export type Provider = 'github' | 'gitea' | 'gitlab';

export interface SignedRequest {
  provider: Provider;
  rawBody: Buffer;
  header(name: string): string | undefined;
}

export class SignatureVerifier<K extends string> {
  private readonly hmac: { key: K; webhooks: Webhooks }[] = [];
  private readonly tokens: { key: K; digest: Buffer }[] = [];

  constructor(secrets: Record<K, string[]>) {
    for (const [key, list] of Object.entries(secrets) as [K, string[]][]) {
      for (const secret of list) {
        this.hmac.push({ key, webhooks: new Webhooks({ secret }) });
        this.tokens.push({ key, digest: sha256(secret) });
      }
    }
  }

  async verify(req: SignedRequest): Promise<Set<K>> {
    const matched = new Set<K>();
    if (req.provider === 'gitlab') {
      const token = req.header('x-gitlab-token');
      if (!token) return matched;
      const digest = sha256(token);
      for (const t of this.tokens) if (timingSafeEqual(t.digest, digest)) matched.add(t.key);
      return matched;
    }
    const signature =
      req.provider === 'github' ? req.header('x-hub-signature-256') : prefixed(req.header('x-gitea-signature') ?? req.header('x-hub-signature-256'));
    if (!signature) return matched;
    const payload = req.rawBody.toString('utf8');
    for (const h of this.hmac) {
      if (matched.has(h.key)) continue;
      if (await h.webhooks.verify(payload, signature).catch(() => false)) matched.add(h.key);
    }
    return matched;
  }
}

/** Gitea sends the bare hex digest; @octokit/webhooks expects `sha256=<hex>`. */
function prefixed(signature: string | undefined): string | undefined {
  if (!signature) return undefined;
  return signature.startsWith('sha256=') ? signature : `sha256=${signature}`;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
