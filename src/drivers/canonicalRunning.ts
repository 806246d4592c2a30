/**
 * Running-config text in the form rendered configs are compared in: the
 * canonical form when the text is in netsync's config model (strict: anything else is
 * refused), otherwise only line endings and trailing blanks normalised.
 */
import { canonicalConfig } from '../deviceconfig/canonicalConfig.ts';
import { normalizeConfig } from '../render/configHash.ts';

export function canonicalRunning(platform: string, text: string): string {
  try {
    return canonicalConfig(platform.toLowerCase() === 'eos' ? 'eos' : 'netconf', text);
  } catch {
    return normalizeConfig(text);
  }
}
