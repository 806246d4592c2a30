/**
 * The config hash: sha256 over the rendered text with line endings, trailing whitespace and blank lines
 * normalised, so a template edit that only changes invisible whitespace does not count as a change.
 */
import { createHash } from 'node:crypto';

export function normalizeConfig(config: string): string {
  return config
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '')
    .join('\n')
    .concat('\n');
}

/** What `configHash` returns, for checking a hash a person or client hands in. */
export const CONFIG_HASH_PATTERN = /^sha256:[0-9a-f]{64}$/;

export function configHash(config: string): string {
  return `sha256:${createHash('sha256').update(normalizeConfig(config)).digest('hex')}`;
}
