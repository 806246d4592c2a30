/**
 * Webhook authentication over the raw body, before any parsing, against every configured secret (several
 * per repo, for rotation). GitHub and Gitea sign the body's bytes with HMAC-SHA256, checked here over those
 * exact bytes (not over a decoded text, where invalid UTF-8 would turn into U+FFFD) in constant time; GitLab
 * sends the secret itself in X-Gitlab-Token (compared in constant time).
 * Returns the repos whose secret matched: a payload must then name one of them.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type Provider = 'github' | 'gitea' | 'gitlab';

export interface SignedRequest {
  provider: Provider;
  rawBody: Buffer;
  header(name: string): string | undefined;
}

export class SignatureVerifier<K extends string> {
  private readonly hmac: { key: K; secret: string }[] = [];
  private readonly tokens: { key: K; digest: Buffer }[] = [];

  constructor(secrets: Record<K, string[]>) {
    for (const [key, list] of Object.entries(secrets) as [K, string[]][]) {
      for (const secret of list) {
        this.hmac.push({ key, secret });
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
    const signature = hexDigest(
      req.provider === 'github' ? req.header('x-hub-signature-256') : (req.header('x-gitea-signature') ?? req.header('x-hub-signature-256')),
    );
    if (!signature) return matched;
    for (const h of this.hmac) {
      if (matched.has(h.key)) continue;
      if (timingSafeEqual(createHmac('sha256', h.secret).update(req.rawBody).digest(), signature)) matched.add(h.key);
    }
    return matched;
  }
}

/** `sha256=<64 hex>` (GitHub) or the bare hex digest (Gitea) as 32 bytes; anything else is no signature. */
function hexDigest(header: string | undefined): Buffer | undefined {
  const match = /^(?:sha256=)?([0-9a-fA-F]{64})$/.exec(header?.trim() ?? '');
  return match ? Buffer.from(match[1]!, 'hex') : undefined;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
