/**
 * Wall 1 of the template sandbox: nunjucks' own runtime hooks, replaced before any Environment exists.
 * Compiled templates reach JavaScript values only through `runtime.memberLookup` (`a.b`, `a[b]`),
 * `runtime.contextOrFrameLookup` (a bare name) and `runtime.callWrap` (`f()`), so guarding those three
 * guards every spelling of a member name (literal, concatenated, held in a variable or a `{% set %}` alias,
 * produced by a filter): the hook sees the final key, not the template text.
 *
 * The rules:
 * - member names that lead out of the data (constructor, __proto__, prototype, caller, ...) are refused;
 * - a member must be the object's own; inherited members are invisible (undefined), except a short list
 *   of pure, non-mutating string/array/number methods, because settings are shared between the devices
 *   of one render batch and `push`/`sort`/`splice` would leak one device's edits into the next;
 * - only functions netsync handed over can be called: the template's own macros and `caller`, the
 *   `range`/`cycler`/`joiner` globals below, and the allowlisted methods. Any other function is refused.
 */
import nunjucks from 'nunjucks';

/** Thrown inside a render; renderConfig turns it into NetsyncError TEMPLATE_FORBIDDEN with file and line. */
export class TemplateForbiddenError extends Error {
  override readonly name = 'TemplateForbidden';
}

/** Largest list `range()` builds: a loop over it renders in milliseconds, a bigger one is a mistake or an attack. */
export const RANGE_CAP = 100_000;
/** Largest width padStart/padEnd accept (a config line is never wider). */
const PAD_CAP = 10_000;

const FORBIDDEN = new Set([
  'constructor',
  'prototype',
  '__proto__',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
  'caller',
  'callee',
  'arguments',
  'apply',
  'call',
  'bind',
  'valueOf',
  'toString',
  'toLocaleString',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
]);
// Names such as `process` or `require` need no entry: lookups see own members only, and no template value has them.
/** Bare names a template may not use as variables; `caller` stays usable (macros called with {% call %} receive it). */
const FORBIDDEN_NAMES = new Set([...FORBIDDEN].filter((n) => n !== 'caller'));

const STRING_METHODS = new Set([
  'at',
  'charAt',
  'charCodeAt',
  'codePointAt',
  'concat',
  'endsWith',
  'includes',
  'indexOf',
  'lastIndexOf',
  'normalize',
  'padEnd',
  'padStart',
  'replace',
  'replaceAll',
  'slice',
  'split',
  'startsWith',
  'substr',
  'substring',
  'toLowerCase',
  'toUpperCase',
  'trim',
  'trimEnd',
  'trimStart',
]);
// No concat: with range() capped, it would be the way to build arrays big enough to exhaust a render thread's heap.
const ARRAY_METHODS = new Set(['at', 'includes', 'indexOf', 'join', 'lastIndexOf', 'slice']);
const NUMBER_METHODS = new Set(['toFixed', 'toPrecision']);

/**
 * Functions a template may call. Kept on the nunjucks runtime itself: the hooks are installed once per
 * nunjucks instance, and a second load of this module (another loader) must share the same set.
 */
const STATE = Symbol.for('netsync.templateSandbox');
const sandboxState = ((nunjucks.runtime as unknown as Record<symbol, { handedOver: WeakSet<object>; installed: boolean }>)[STATE] ??= {
  handedOver: new WeakSet<object>(),
  installed: false,
});
const handedOver = sandboxState.handedOver;
/** Makes a function callable from templates: netsync's own (the web interface's helpers), never data from git. */
export function handOver<F extends (...args: never[]) => unknown>(fn: F): F {
  handedOver.add(fn);
  return fn;
}

/** The runtime module; compiled templates set its `sandboxLine` before each lookup. */
const runtimeState = nunjucks.runtime as unknown as Record<string, unknown>;

function forbidden(what: string): TemplateForbiddenError {
  const line = typeof runtimeState.sandboxLine === 'number' ? ` (line ${runtimeState.sandboxLine})` : '';
  return new TemplateForbiddenError(`${what} is refused${line}: templates see data and netsync's filters, nothing else`);
}

function allowedMethod(obj: unknown, key: string): ((...args: unknown[]) => unknown) | undefined {
  const SafeString = nunjucks.runtime.SafeString;
  let set: Set<string> | undefined;
  let proto: object | undefined;
  if (typeof obj === 'string' || obj instanceof SafeString) [set, proto] = [STRING_METHODS, String.prototype];
  else if (Array.isArray(obj)) [set, proto] = [ARRAY_METHODS, Array.prototype];
  else if (typeof obj === 'number') [set, proto] = [NUMBER_METHODS, Number.prototype];
  if (!set?.has(key)) return undefined;
  const method = (proto as Record<string, (...args: unknown[]) => unknown>)[key]!;
  const self = obj instanceof SafeString ? String(obj) : obj;
  return handOver((...args: unknown[]) => {
    if ((key === 'padStart' || key === 'padEnd') && Number(args[0]) > PAD_CAP) throw forbidden(`${key}(${String(args[0])}) wider than ${PAD_CAP}`);
    for (const a of args) if (typeof a === 'function' && !handedOver.has(a)) throw forbidden('passing a function');
    return method.apply(self, args);
  });
}

function memberLookup(obj: unknown, val: unknown): unknown {
  if (obj === undefined || obj === null) return undefined;
  // The key as JavaScript would use it (an array ['constructor'] is the key 'constructor').
  const key = typeof val === 'number' ? val : String(val);
  if (typeof key === 'string' && FORBIDDEN.has(key)) throw forbidden(`member '${key}'`);
  const holder: object = typeof obj === 'object' || typeof obj === 'function' ? obj : Object(obj);
  if (!Object.hasOwn(holder, key)) {
    const method = typeof key === 'string' ? allowedMethod(obj, key) : undefined;
    if (method) return method;
    if (typeof (holder as Record<string | number, unknown>)[key] === 'function') throw forbidden(`method '${String(key)}'`);
    return undefined;
  }
  const value = (holder as Record<string | number, unknown>)[key];
  if (typeof value !== 'function') return value;
  if (!handedOver.has(value)) throw forbidden(`function '${String(key)}'`);
  // As nunjucks does: a method called as a.b() runs with this = a.
  return handOver((...args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(obj, args));
}

function callWrap(obj: unknown, name: string, context: unknown, args: unknown[]): unknown {
  if (!obj) throw new Error(`Unable to call \`${name}\`, which is undefined or falsey`);
  if (typeof obj !== 'function') throw new Error(`Unable to call \`${name}\`, which is not a function`);
  if (!handedOver.has(obj)) throw forbidden(`calling \`${name}\``);
  return (obj as (...a: unknown[]) => unknown).apply(context, args);
}

interface RuntimeFrame {
  lookup(name: string): unknown;
  set(name: string, val: unknown, resolveUp?: boolean): void;
}
interface RuntimeContext {
  ctx: Record<string, unknown>;
  env: { globals: Record<string, unknown> };
}

function contextOrFrameLookup(context: RuntimeContext, frame: RuntimeFrame, name: string): unknown {
  if (FORBIDDEN_NAMES.has(name)) throw forbidden(`name '${name}'`);
  const val = frame.lookup(name); // Frame variables are a null-prototype object: own values only.
  if (val !== undefined) return val;
  if (Object.hasOwn(context.ctx, name)) return context.ctx[name];
  return Object.hasOwn(context.env.globals, name) ? context.env.globals[name] : undefined;
}

/** The globals nunjucks ships, rewritten so that what they return is handed over (and `range` is capped). */
export function sandboxGlobals(): Record<string, unknown> {
  return {
    range: handOver((start: number, stop?: number, step?: number) => {
      if (stop === undefined) [start, stop, step] = [0, start, 1];
      else if (!step) step = 1;
      const count = step > 0 ? Math.ceil((stop - start) / step) : Math.ceil((start - stop) / -step);
      if (!(count <= RANGE_CAP)) throw forbidden(`range() of ${Number.isFinite(count) ? count : 'unbounded'} numbers (the cap is ${RANGE_CAP})`);
      const out: number[] = [];
      for (let i = 0; i < count; i++) out.push(start + i * step);
      return out;
    }),
    cycler: handOver((...items: unknown[]) => {
      let index = -1;
      const c: { current: unknown; reset: () => void; next: () => unknown } = {
        current: null,
        reset: handOver(() => {
          index = -1;
          c.current = null;
        }),
        next: handOver(() => {
          index = (index + 1) % Math.max(items.length, 1);
          c.current = items[index];
          return c.current;
        }),
      };
      return c;
    }),
    joiner: handOver((sep: unknown = ',') => {
      let first = true;
      return handOver(() => {
        const out = first ? '' : sep;
        first = false;
        return out;
      });
    }),
  };
}

/** Gives a fresh Environment the sandbox globals and prototype-free lookup tables (`x | constructor` names no filter). */
export function sandboxEnvironment(env: nunjucks.Environment): nunjucks.Environment {
  const e = env as unknown as Record<'filters' | 'tests' | 'globals' | 'extensions', Record<string, unknown>>;
  for (const table of ['filters', 'tests', 'globals', 'extensions'] as const) Object.setPrototypeOf(e[table], null);
  for (const [name, value] of Object.entries(sandboxGlobals())) env.addGlobal(name, value);
  return env;
}

interface CompilerThis {
  _emit(code: string): void;
}

/** Replaces the runtime hooks; idempotent. Call before any nunjucks Environment renders (templatesSnapshot does, on import). */
export function hardenNunjucks(): void {
  if (sandboxState.installed) return;
  sandboxState.installed = true;
  const runtime = nunjucks.runtime as unknown as Record<string, unknown> & {
    makeMacro: (...a: unknown[]) => (...a: unknown[]) => unknown;
    Frame: { prototype: RuntimeFrame };
  };
  const makeMacro = runtime.makeMacro;
  runtime.makeMacro = (...a: unknown[]) => handOver(makeMacro(...a));
  runtime.memberLookup = memberLookup;
  runtime.callWrap = callWrap;
  runtime.contextOrFrameLookup = contextOrFrameLookup;
  // nunjucks records the template position at runtime only before calls (and changing that would change
  // its other messages): note the line of every lookup for the sandbox's own refusals.
  const compiler = (nunjucks as unknown as { compiler: { Compiler: { prototype: Record<string, unknown> } } }).compiler.Compiler.prototype;
  for (const method of ['compileLookupVal', 'compileSymbol']) {
    const compile = compiler[method] as (this: CompilerThis, node: { lineno: number }, frame: unknown) => void;
    compiler[method] = function (this: CompilerThis, node: { lineno: number }, frame: unknown) {
      this._emit(`(runtime.sandboxLine = ${Number(node.lineno) + 1}, `);
      compile.call(this, node, frame);
      this._emit(')');
    };
  }
  const set = runtime.Frame.prototype.set;
  // {% set %}, {% for %}, {% import %} and macro names all pass through Frame.set (top-level ones before context.setVariable).
  runtime.Frame.prototype.set = function (this: RuntimeFrame, name: string, val: unknown, resolveUp?: boolean) {
    for (const part of String(name).split('.')) if (FORBIDDEN_NAMES.has(part)) throw forbidden(`setting '${name}'`);
    set.call(this, name, val, resolveUp);
  };
}

hardenNunjucks();
