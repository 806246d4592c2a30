/**
 * Secrets reach templates as variables (from the environment, never from git) and must not leave the
 * daemon in clear: every rendered config that is logged, returned by the API or diffed goes through this.
 */
export const MASK = '********';

/** Environment variables named NETSYNC_SECRET_<NAME> become `secrets.<name>` (lower case) in templates. */
export function secretsFromEnv(env: Record<string, string | undefined>, prefix = 'NETSYNC_SECRET_'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith(prefix) && value) out[key.slice(prefix.length).toLowerCase()] = value;
  }
  return out;
}

/** Replaces every occurrence of every secret value, longest first so a secret inside another is still hidden. */
export function maskSecrets(text: string, secrets: Record<string, string> | string[]): string {
  const values = (Array.isArray(secrets) ? secrets : Object.values(secrets)).filter((v) => v.length >= 3);
  values.sort((a, b) => b.length - a.length);
  let out = text;
  for (const value of values) out = out.split(value).join(MASK);
  return out;
}
