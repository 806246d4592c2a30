/**
 * canonicalConfig(platform, text): the text a device in netsync's config model
 * (a lab device's runningConfig()) would return for `text`, so a rendered config
 * can be compared with a running one as strings. Shared by the drivers and the lab. Throws VALIDATION_FAILED for a config the device would refuse.
 */
import { NetsyncError } from '../model/errors.ts';
import { configFromCli, configToCli } from './cliConfig.ts';
import type { LabConfig } from './configModel.ts';
import { RpcError } from './netconfError.ts';
import { configFromXml, configToXml } from './netconfConfig.ts';
import { parseXmlFragment, type XmlNode } from './xmlTree.ts';

/** The two config syntaxes netsync models: EOS CLI text and NETCONF XML. */
export type ConfigDialect = 'netconf' | 'eos';

export function canonicalConfig(platform: ConfigDialect, text: string): string {
  const cfg = parseConfig(platform, text);
  return serializeConfig(platform, cfg);
}

export function serializeConfig(platform: ConfigDialect, cfg: LabConfig): string {
  return platform === 'netconf' ? configToXml(cfg) : configToCli(cfg);
}

/** Parses a whole config in the platform's syntax. NETCONF text may be wrapped in <config> or <data>. */
export function parseConfig(platform: ConfigDialect, text: string): LabConfig {
  if (platform === 'eos') {
    const r = configFromCli(text);
    if (!r.ok) throw new NetsyncError('VALIDATION_FAILED', `invalid EOS config: ${r.error}`, { platform, line: r.line });
    return r.config;
  }
  try {
    let nodes: XmlNode[] = parseXmlFragment(text);
    const only = nodes.length === 1 ? nodes[0]! : undefined;
    if (only && (only.local === 'config' || only.local === 'data')) nodes = only.children;
    return configFromXml(nodes);
  } catch (err) {
    if (err instanceof RpcError) {
      throw new NetsyncError('VALIDATION_FAILED', `invalid NETCONF config: ${err.message}`, { platform, tag: err.tag, path: err.extra.path ?? null });
    }
    throw err;
  }
}
