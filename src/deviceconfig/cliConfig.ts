/**
 * EOS side of the config model: CLI lines applied to a LabConfig the way the
 * EOS parser does it (a line that is not a sub-command of the current mode is
 * tried at the top level), and the canonical `show running-config` text.
 */
import { emptyConfig, leafChecks, parseVlanId, sortedInterfaces, sortedVlans, type LabConfig } from './configModel.ts';

export type CliMode = { kind: 'top' } | { kind: 'interface'; name: string } | { kind: 'vlan'; id: number };

export type CliResult = { ok: true; mode: CliMode } | { ok: false; error: string };

const IF_PREFIXES: Array<[RegExp, string]> = [
  [/^(et|eth|ethernet)(\d+(\/\d+)*)$/i, 'Ethernet'],
  [/^(ma|management)(\d+)$/i, 'Management'],
  [/^(lo|loopback)(\d+)$/i, 'Loopback'],
  [/^(po|port-channel)(\d+)$/i, 'Port-Channel'],
  [/^(vl|vlan)(\d+)$/i, 'Vlan'],
];

/** `et1`, `Eth1`, `ethernet 1` -> `Ethernet1`; null when not an interface name EOS knows. */
export function normalizeInterface(raw: string): string | null {
  const s = raw.replace(/\s+/g, '');
  for (const [re, canonical] of IF_PREFIXES) {
    const m = re.exec(s);
    if (m) return `${canonical}${m[2]}`;
  }
  return null;
}

/** Short form EOS uses in prompts: Ethernet1 -> Et1. */
export function shortInterface(name: string): string {
  return name
    .replace(/^Ethernet/, 'Et')
    .replace(/^Management/, 'Ma')
    .replace(/^Loopback/, 'Lo')
    .replace(/^Port-Channel/, 'Po')
    .replace(/^Vlan/, 'Vl');
}

const invalid = (tokens: string[], at: number): CliResult => ({ ok: false, error: `% Invalid input (at token ${at}: '${tokens[at] ?? ''}')` });

/** `no X` / `default X`: the command X negated; `off` maps indexes in `t` back to `tokens` for error messages. */
function negation(tokens: string[]): { neg: boolean; t: string[]; off: number } {
  const neg = tokens[0] === 'no' || tokens[0] === 'default';
  return { neg, t: neg ? tokens.slice(1) : tokens, off: neg ? 1 : 0 };
}

function subCommand(cfg: LabConfig, mode: CliMode, tokens: string[], rest: (from: number) => string): CliResult | null {
  const { neg, t, off } = negation(tokens);
  if (mode.kind === 'interface') {
    const intf = cfg.interfaces.get(mode.name) ?? { name: mode.name };
    cfg.interfaces.set(mode.name, intf);
    if (t[0] === 'description') {
      if (neg) delete intf.description;
      else {
        const text = rest(1);
        if (!text || leafChecks.description(text)) return invalid(tokens, 1);
        intf.description = text;
      }
      return { ok: true, mode };
    }
    if (t[0] === 'shutdown' && t.length === 1) {
      if (neg) delete intf.enabled;
      else intf.enabled = false;
      return { ok: true, mode };
    }
    if (t[0] === 'switchport' && t[1] === 'access' && t[2] === 'vlan') {
      if (neg && t.length === 3) delete intf.vlan;
      else {
        const id = t.length === 4 ? parseVlanId(t[3]!) : null;
        if (id === null) return invalid(tokens, off + 3);
        if (neg) {
          if (intf.vlan === id) delete intf.vlan;
        } else intf.vlan = id;
      }
      return { ok: true, mode };
    }
    return null;
  }
  if (mode.kind === 'vlan') {
    const vlan = cfg.vlans.get(mode.id) ?? { id: mode.id };
    cfg.vlans.set(mode.id, vlan);
    if (t[0] === 'name') {
      if (neg) delete vlan.name;
      else {
        if (t.length !== 2 || leafChecks.vlanName(t[1]!)) return invalid(tokens, off + 1);
        vlan.name = t[1]!;
      }
      return { ok: true, mode };
    }
    return null;
  }
  return null;
}

function topCommand(cfg: LabConfig, tokens: string[], rest: (from: number) => string): CliResult {
  const { neg, t, off } = negation(tokens);
  if (t[0] === 'hostname') {
    if (neg) {
      delete cfg.hostname;
      return { ok: true, mode: { kind: 'top' } };
    }
    if (t.length !== 2 || leafChecks.hostname(t[1]!)) return invalid(tokens, 1);
    cfg.hostname = t[1]!;
    return { ok: true, mode: { kind: 'top' } };
  }
  if (t[0] === 'vlan') {
    const id = t.length === 2 ? parseVlanId(t[1]!) : null;
    if (id === null) return invalid(tokens, off + 1);
    if (neg) {
      cfg.vlans.delete(id);
      return { ok: true, mode: { kind: 'top' } };
    }
    if (!cfg.vlans.has(id)) cfg.vlans.set(id, { id });
    return { ok: true, mode: { kind: 'vlan', id } };
  }
  if (t[0] === 'interface') {
    const name = t.length >= 2 ? normalizeInterface(rest(off + 1)) : null;
    if (name === null) return invalid(tokens, off + 1);
    if (name.startsWith('Vlan') && parseVlanId(name.slice(4)) === null) return invalid(tokens, off + 1);
    if (neg) {
      cfg.interfaces.delete(name);
      return { ok: true, mode: { kind: 'top' } };
    }
    if (!cfg.interfaces.has(name)) cfg.interfaces.set(name, { name });
    return { ok: true, mode: { kind: 'interface', name } };
  }
  return invalid(tokens, 0);
}

/**
 * Applies one config line to `cfg` (in place) in `mode`. Comments (`!`) and blank
 * lines are no-ops; `exit`/`end` are mode changes the caller handles first.
 */
export function applyCliLine(cfg: LabConfig, mode: CliMode, line: string): CliResult {
  const trimmed = line.trim();
  if (!trimmed || trimmed.startsWith('!')) return { ok: true, mode };
  const tokens = trimmed.split(/\s+/);
  // Everything after token `from`, with the user's own spacing (descriptions keep theirs).
  const rest = (from: number) => {
    let s = trimmed;
    for (let i = 0; i < from; i++) s = s.slice(s.indexOf(tokens[i]!) + tokens[i]!.length);
    return s.trim();
  };
  if (mode.kind !== 'top') {
    const sub = subCommand(cfg, mode, tokens, rest);
    if (sub) return sub;
  }
  return topCommand(cfg, tokens, rest);
}

/** Parses a whole CLI config text; the error names the line. */
export function configFromCli(text: string): { ok: true; config: LabConfig } | { ok: false; error: string; line: number } {
  const cfg = emptyConfig();
  let mode: CliMode = { kind: 'top' };
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!.trim();
    if (l === 'end') break;
    if (l === 'exit') {
      mode = { kind: 'top' };
      continue;
    }
    const r = applyCliLine(cfg, mode, l);
    if (!r.ok) return { ok: false, error: `${r.error} on line ${i + 1}: ${l}`, line: i + 1 };
    mode = r.mode;
  }
  return { ok: true, config: cfg };
}

/** Canonical running-config text, in EOS style (three-space indentation, `!` between blocks, `end`). */
export function configToCli(cfg: LabConfig): string {
  const out: string[] = [];
  if (cfg.hostname !== undefined) out.push(`hostname ${cfg.hostname}`, '!');
  for (const v of sortedVlans(cfg)) {
    out.push(`vlan ${v.id}`);
    if (v.name !== undefined) out.push(`   name ${v.name}`);
    out.push('!');
  }
  for (const i of sortedInterfaces(cfg)) {
    out.push(`interface ${i.name}`);
    if (i.description !== undefined) out.push(`   description ${i.description}`);
    if (i.enabled === false) out.push('   shutdown');
    if (i.vlan !== undefined) out.push(`   switchport access vlan ${i.vlan}`);
    out.push('!');
  }
  out.push('end');
  return `${out.join('\n')}\n`;
}
