/**
 * Text that came from a device (a running config, an error message echoing a line) as it may be shown:
 * secrets netsync knows become their placeholders (secretPlaceholders.ts); then every line that is not also
 * a line of the shown render gets the shape mask (secretShapes.ts), which hides secret-shaped values netsync
 * does not know (an old secret after a rotation, a hash the device made, one configured by hand). A line
 * the shown render holds is safe as it is, so unchanged lines read the same on both sides of a diff.
 */
import type { SecretSubstitution } from './secretPlaceholders.ts';
import { maskWithSubstitutions } from './secretPlaceholders.ts';
import { maskSecretShapes } from './secretShapes.ts';

export function maskDeviceText(text: string, substitutions: readonly SecretSubstitution[], shown?: string): string {
  const known = new Set(shown?.split('\n'));
  return maskWithSubstitutions(text, substitutions)
    .split('\n')
    .map((line) => (known.has(line) ? line : maskSecretShapes(line)))
    .join('\n');
}
