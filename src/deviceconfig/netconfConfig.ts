/**
 * NETCONF side of the config model: edit-config operations (merge, replace,
 * create, delete, remove, none) applied to a LabConfig, subtree filters, and
 * the canonical XML serialization (namespace urn:netsync:lab).
 */
import {
  cloneConfig,
  emptyConfig,
  leafChecks,
  parseVlanId,
  sortedInterfaces,
  sortedVlans,
  type LabConfig,
  type LabInterface,
  type LabVlan,
} from './configModel.ts';
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

/** How one keyed list of the model (interfaces by name, vlans by id) is edited. */
interface ListSpec<K, E extends object> {
  container: string;
  entry: string;
  keyName: string;
  key(keyNode: XmlNode, path: string): K;
  blank(key: K): E;
  /** Edits one non-key leaf of `target`; false when the leaf is not part of the model. */
  leaf(target: E, leaf: XmlNode, op: EditOp, path: string): boolean;
}

function applyList<K, E extends object>(map: Map<K, E>, node: XmlNode, op: EditOp, spec: ListSpec<K, E>): void {
  const base = `/${spec.container}`;
  const eff = opOf(node, op);
  requireExisting(map.size > 0, eff, base);
  if (eff === 'delete' || eff === 'remove') return void map.clear();
  if (eff === 'replace') map.clear();
  const childOp: EditOp = eff === 'replace' || eff === 'create' ? 'merge' : eff;
  const seen = new Set<K>();
  for (const entry of node.children) {
    if (entry.local !== spec.entry || entry.uri !== LAB_NS) throw unknown(entry, `${base}/${entry.local}`);
    const key = spec.key(keyOf(entry, spec.keyName, `${base}/${spec.entry}`), `${base}/${spec.entry}/${spec.keyName}`);
    const path = `${base}/${spec.entry}[${spec.keyName}='${String(key)}']`;
    if (seen.has(key))
      throw new RpcError('application', 'operation-failed', `${path} appears twice in the request: keys must be unique`, { path, appTag: 'data-not-unique' });
    seen.add(key);
    const entryOp = opOf(entry, childOp);
    const existing = map.get(key);
    requireExisting(existing !== undefined, entryOp, path);
    if (entryOp === 'delete' || entryOp === 'remove') {
      map.delete(key);
      continue;
    }
    const target = entryOp === 'replace' || !existing ? spec.blank(key) : { ...existing };
    let touched = false;
    for (const leaf of entry.children) {
      if (leaf.uri !== LAB_NS) throw unknown(leaf, `${path}/${leaf.local}`);
      if (leaf.local === spec.keyName) continue;
      if (!spec.leaf(target, leaf, entryOp === 'none' ? 'none' : 'merge', `${path}/${leaf.local}`)) throw unknown(leaf, `${path}/${leaf.local}`);
      touched = true;
    }
    // Under default-operation none an entry that only navigates is not created.
    if (existing || entryOp !== 'none' || touched) map.set(key, target);
  }
}

const interfaceList: ListSpec<string, LabInterface> = {
  container: 'interfaces',
  entry: 'interface',
  keyName: 'name',
  key: (n, path) => leafValue(n, path, leafChecks.interfaceName),
  blank: (name) => ({ name }),
  leaf(target, leaf, op, p) {
    if (leaf.local === 'description')
      setOrDelete(
        target,
        'description',
        editLeaf(target.description, leaf, op, p, () => leafValue(leaf, p, leafChecks.description)),
      );
    else if (leaf.local === 'vlan')
      setOrDelete(
        target,
        'vlan',
        editLeaf(target.vlan, leaf, op, p, () => vlanLeaf(leaf, p)),
      );
    else if (leaf.local === 'enabled')
      setOrDelete(
        target,
        'enabled',
        editLeaf(target.enabled, leaf, op, p, () => leafValue(leaf, p, checkBoolean) === 'true'),
      );
    else return false;
    return true;
  },
};

const vlanList: ListSpec<number, LabVlan> = {
  container: 'vlans',
  entry: 'vlan',
  keyName: 'id',
  key: (n, path) => vlanLeaf(n, path),
  blank: (id) => ({ id }),
  leaf(target, leaf, op, p) {
    if (leaf.local !== 'name') return false;
    setOrDelete(
      target,
      'name',
      editLeaf(target.name, leaf, op, p, () => leafValue(leaf, p, leafChecks.vlanName)),
    );
    return true;
  },
};

const checkBoolean = (v: string) => (v === 'true' || v === 'false' ? null : "must be 'true' or 'false'");

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
    else if (node.local === 'interfaces') applyList(cfg.interfaces, node, op, interfaceList);
    else applyList(cfg.vlans, node, op, vlanList);
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
