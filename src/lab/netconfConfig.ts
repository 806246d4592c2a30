/**
 * NETCONF side of the config model: edit-config operations (merge, replace,
 * create, delete, remove, none) applied to a LabConfig, subtree filters, and
 * the canonical XML serialization (namespace urn:netsync:lab).
 */
import { cloneConfig, emptyConfig, leafChecks, parseVlanId, sortedInterfaces, sortedVlans, type LabConfig, type LabInterface, type LabVlan } from './configModel.ts';
import { RpcError, escapeXml } from './netconfError.ts';
import type { XmlNode } from './xmlTree.ts';

export const LAB_NS = 'urn:netsync:lab';
export const BASE_NS = 'urn:ietf:params:xml:ns:netconf:base:1.0';

export type EditOp = 'merge' | 'replace' | 'create' | 'delete' | 'remove' | 'none';
const EDIT_OPS: readonly string[] = ['merge', 'replace', 'create', 'delete', 'remove', 'none'];

function opOf(node: XmlNode, inherited: EditOp): EditOp {
  // Clients should put `operation` in the base namespace; an unprefixed one is accepted too.
  const attr = node.attrs.get('operation');
  if (!attr || (attr.uri !== BASE_NS && attr.uri !== '')) return inherited;
  if (!EDIT_OPS.includes(attr.value) || attr.value === 'none') {
    throw new RpcError('protocol', 'bad-attribute', `unknown operation '${attr.value}'`, { info: { 'bad-attribute': 'operation', 'bad-element': node.local } });
  }
  return attr.value as EditOp;
}

function leafValue(node: XmlNode, path: string, check: (v: string) => string | null): string {
  if (node.children.length) throw new RpcError('application', 'invalid-value', `${path} must be a leaf value`, { path });
  const v = node.text.trim();
  const problem = check(v);
  if (problem) throw new RpcError('application', 'invalid-value', `${path}: ${problem}`, { path, info: { 'bad-element': node.local } });
  return v;
}

function unknown(node: XmlNode, path: string): RpcError {
  if (node.uri !== LAB_NS) {
    return new RpcError('application', 'unknown-namespace', `${path}: namespace '${node.uri}' is not supported (use ${LAB_NS})`, {
      path,
      info: { 'bad-element': node.local, 'bad-namespace': node.uri },
    });
  }
  return new RpcError('application', 'unknown-element', `${path}: unknown element <${node.local}>`, { path, info: { 'bad-element': node.local } });
}

function requireExisting(exists: boolean, op: EditOp, path: string): void {
  if (op === 'create' && exists) throw new RpcError('application', 'data-exists', `${path} already exists`, { path });
  if (op === 'delete' && !exists) throw new RpcError('application', 'data-missing', `${path} does not exist`, { path });
}

/** Applies a leaf edit; returns the new value (undefined = unset, same = unchanged). */
function editLeaf<T>(current: T | undefined, node: XmlNode, op: EditOp, path: string, parse: (v: string) => T): T | undefined {
  const eff = opOf(node, op);
  requireExisting(current !== undefined, eff, path);
  if (eff === 'delete' || eff === 'remove') return undefined;
  const value = parse(node.text);
  return eff === 'none' ? current : value;
}

function applySystem(cfg: LabConfig, node: XmlNode, op: EditOp): void {
  const path = '/system';
  const eff = opOf(node, op);
  requireExisting(cfg.hostname !== undefined, eff, path);
  if (eff === 'delete' || eff === 'remove') return void delete cfg.hostname;
  if (eff === 'replace') delete cfg.hostname;
  const childOp = eff === 'replace' || eff === 'create' ? 'merge' : eff;
  for (const c of node.children) {
    if (c.local !== 'hostname' || c.uri !== LAB_NS) throw unknown(c, `${path}/${c.local}`);
    const p = `${path}/hostname`;
    const v = editLeaf(cfg.hostname, c, childOp, p, () => leafValue(c, p, leafChecks.hostname));
    if (v === undefined) delete cfg.hostname;
    else cfg.hostname = v;
  }
}

function keyOf(entry: XmlNode, keyName: string, path: string): XmlNode {
  const keys = entry.children.filter((c) => c.local === keyName);
  if (keys.length !== 1 || keys[0]!.uri !== LAB_NS) {
    throw new RpcError('application', 'missing-element', `${path}: mandatory key <${keyName}> is missing`, { path, info: { 'bad-element': keyName } });
  }
  return keys[0]!;
}

function applyInterfaces(cfg: LabConfig, node: XmlNode, op: EditOp): void {
  const eff = opOf(node, op);
  requireExisting(cfg.interfaces.size > 0, eff, '/interfaces');
  if (eff === 'delete' || eff === 'remove') return void cfg.interfaces.clear();
  if (eff === 'replace') cfg.interfaces.clear();
  const childOp: EditOp = eff === 'replace' || eff === 'create' ? 'merge' : eff;
  const seen = new Set<string>();
  for (const entry of node.children) {
    if (entry.local !== 'interface' || entry.uri !== LAB_NS) throw unknown(entry, `/interfaces/${entry.local}`);
    const name = leafValue(keyOf(entry, 'name', '/interfaces/interface'), '/interfaces/interface/name', leafChecks.interfaceName);
    const path = `/interfaces/interface[name='${name}']`;
    if (seen.has(name)) throw new RpcError('application', 'operation-failed', `${path} appears twice in the request`, { path, appTag: 'data-not-unique' });
    seen.add(name);
    const entryOp = opOf(entry, childOp);
    const existing = cfg.interfaces.get(name);
    requireExisting(existing !== undefined, entryOp, path);
    if (entryOp === 'delete' || entryOp === 'remove') {
      cfg.interfaces.delete(name);
      continue;
    }
    const target: LabInterface = entryOp === 'replace' || !existing ? { name } : { ...existing };
    const leafOp: EditOp = entryOp === 'none' ? 'none' : 'merge';
    for (const leaf of entry.children) {
      if (leaf.uri !== LAB_NS) throw unknown(leaf, `${path}/${leaf.local}`);
      const p = `${path}/${leaf.local}`;
      if (leaf.local === 'name') continue;
      if (leaf.local === 'description') {
        setOrDelete(target, 'description', editLeaf(target.description, leaf, leafOp, p, () => leafValue(leaf, p, leafChecks.description)));
      } else if (leaf.local === 'vlan') {
        setOrDelete(target, 'vlan', editLeaf(target.vlan, leaf, leafOp, p, () => vlanLeaf(leaf, p)));
      } else if (leaf.local === 'enabled') {
        setOrDelete(target, 'enabled', editLeaf(target.enabled, leaf, leafOp, p, () => leafValue(leaf, p, (v) => (v === 'true' || v === 'false' ? null : "must be 'true' or 'false'")) === 'true'));
      } else throw unknown(leaf, p);
    }
    if (existing || entryOp !== 'none' || Object.keys(target).length > 1) cfg.interfaces.set(name, target);
  }
}

function applyVlans(cfg: LabConfig, node: XmlNode, op: EditOp): void {
  const eff = opOf(node, op);
  requireExisting(cfg.vlans.size > 0, eff, '/vlans');
  if (eff === 'delete' || eff === 'remove') return void cfg.vlans.clear();
  if (eff === 'replace') cfg.vlans.clear();
  const childOp: EditOp = eff === 'replace' || eff === 'create' ? 'merge' : eff;
  const seen = new Set<number>();
  for (const entry of node.children) {
    if (entry.local !== 'vlan' || entry.uri !== LAB_NS) throw unknown(entry, `/vlans/${entry.local}`);
    const id = vlanLeaf(keyOf(entry, 'id', '/vlans/vlan'), '/vlans/vlan/id');
    const path = `/vlans/vlan[id='${id}']`;
    if (seen.has(id)) throw new RpcError('application', 'operation-failed', `vlan ${id} appears twice: vlan ids must be unique`, { path, appTag: 'data-not-unique' });
    seen.add(id);
    const entryOp = opOf(entry, childOp);
    const existing = cfg.vlans.get(id);
    requireExisting(existing !== undefined, entryOp, path);
    if (entryOp === 'delete' || entryOp === 'remove') {
      cfg.vlans.delete(id);
      continue;
    }
    const target: LabVlan = entryOp === 'replace' || !existing ? { id } : { ...existing };
    for (const leaf of entry.children) {
      if (leaf.uri !== LAB_NS) throw unknown(leaf, `${path}/${leaf.local}`);
      const p = `${path}/${leaf.local}`;
      if (leaf.local === 'id') continue;
      if (leaf.local === 'name') setOrDelete(target, 'name', editLeaf(target.name, leaf, entryOp === 'none' ? 'none' : 'merge', p, () => leafValue(leaf, p, leafChecks.vlanName)));
      else throw unknown(leaf, p);
    }
    if (existing || entryOp !== 'none' || target.name !== undefined) cfg.vlans.set(id, target);
  }
}

function vlanLeaf(node: XmlNode, path: string): number {
  return Number(leafValue(node, path, (v) => (parseVlanId(v) === null ? 'vlan must be an integer 1-4094' : null)));
}

function setOrDelete<T extends object, K extends keyof T>(obj: T, key: K, value: T[K] | undefined): void {
  if (value === undefined) delete obj[key];
  else obj[key] = value;
}

/**
 * Applies the children of a <config> element to a copy of `base` and returns it.
 * Any error leaves `base` untouched (the edit is all-or-nothing, as :rollback-on-error promises).
 */
export function applyEdit(base: LabConfig, configChildren: XmlNode[], defaultOp: 'merge' | 'replace' | 'none'): LabConfig {
  const cfg = defaultOp === 'replace' ? emptyConfig() : cloneConfig(base);
  const op: EditOp = defaultOp === 'replace' ? 'merge' : defaultOp;
  const seen = new Set<string>();
  for (const node of configChildren) {
    if (node.uri !== LAB_NS || !['system', 'interfaces', 'vlans'].includes(node.local)) throw unknown(node, `/${node.local}`);
    if (seen.has(node.local)) throw new RpcError('application', 'operation-failed', `/${node.local} appears twice in the request`, { path: `/${node.local}` });
    seen.add(node.local);
    if (node.local === 'system') applySystem(cfg, node, op);
    else if (node.local === 'interfaces') applyInterfaces(cfg, node, op);
    else applyVlans(cfg, node, op);
  }
  return cfg;
}

/** A whole config from XML elements (strict: what a device would accept with default-operation replace). */
export function configFromXml(nodes: XmlNode[]): LabConfig {
  return applyEdit(emptyConfig(), nodes, 'replace');
}

function leaf(name: string, value: string | number | boolean | undefined, indent: string): string {
  return value === undefined ? '' : `${indent}<${name}>${escapeXml(String(value))}</${name}>\n`;
}

/** Canonical serialization: fixed element order, sorted list entries, two-space indentation. */
export function configToXml(cfg: LabConfig): string {
  let out = '';
  if (cfg.hostname !== undefined) out += `<system xmlns="${LAB_NS}">\n${leaf('hostname', cfg.hostname, '  ')}</system>\n`;
  if (cfg.interfaces.size) {
    out += `<interfaces xmlns="${LAB_NS}">\n`;
    for (const i of sortedInterfaces(cfg)) {
      out += `  <interface>\n${leaf('name', i.name, '    ')}${leaf('description', i.description, '    ')}${leaf('vlan', i.vlan, '    ')}${leaf('enabled', i.enabled, '    ')}  </interface>\n`;
    }
    out += '</interfaces>\n';
  }
  if (cfg.vlans.size) {
    out += `<vlans xmlns="${LAB_NS}">\n`;
    for (const v of sortedVlans(cfg)) out += `  <vlan>\n${leaf('id', v.id, '    ')}${leaf('name', v.name, '    ')}  </vlan>\n`;
    out += '</vlans>\n';
  }
  return out;
}

/**
 * Subtree filter (RFC 6241 §6), at the granularity this model needs: top-level
 * containers, and list entries selected by key (<interface><name>X</name></interface>).
 */
export function filterConfig(cfg: LabConfig, filter: XmlNode | undefined): LabConfig {
  if (!filter) return cfg;
  const type = filter.attrs.get('type')?.value ?? 'subtree';
  if (type !== 'subtree') throw new RpcError('protocol', 'operation-not-supported', `filter type '${type}' is not supported (use subtree)`);
  const out = emptyConfig();
  for (const sel of filter.children) {
    if (sel.uri !== LAB_NS) continue;
    if (sel.local === 'system' && cfg.hostname !== undefined) out.hostname = cfg.hostname;
    if (sel.local === 'interfaces') {
      const keys = sel.children.flatMap((e) => e.children.filter((k) => k.local === 'name').map((k) => k.text.trim()));
      for (const [k, v] of cfg.interfaces) if (!keys.length || keys.includes(k)) out.interfaces.set(k, v);
    }
    if (sel.local === 'vlans') {
      const keys = sel.children.flatMap((e) => e.children.filter((k) => k.local === 'id').map((k) => Number(k.text.trim())));
      for (const [k, v] of cfg.vlans) if (!keys.length || keys.includes(k)) out.vlans.set(k, v);
    }
  }
  return out;
}
