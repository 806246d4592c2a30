/**
 * Template escape attempts, adapted from published Jinja2/nunjucks SSTI payloads (PayloadsAllTheThings
 * "Server Side Template Injection", HackTricks' Jinja2/Nunjucks SSTI pages, the nunjucks/egg advisory
 * GHSA-w28w-gp39-m4p6): every global and literal type as the entry point, every way of spelling the member.
 * `__JS__` becomes a JavaScript body (as a nunjucks string literal) that would write a canary file holding
 * the process environment and return the environment: a render that succeeded in escaping leaves the file
 * behind and puts the environment in its output or its error.
 */
export interface SstiPayload {
  name: string;
  template: string;
  /** 'forbidden': the sandbox refuses it (TEMPLATE_FORBIDDEN); 'fails': it fails otherwise (no such filter, not callable...). */
  expect: 'forbidden' | 'fails';
}

export const SSTI_CORPUS: SstiPayload[] = [
  // Entry points: globals
  { name: 'range.constructor (the issue report)', template: '{{ range.constructor(__JS__)() }}', expect: 'forbidden' },
  { name: 'cycler.constructor', template: '{{ cycler.constructor(__JS__)() }}', expect: 'forbidden' },
  { name: 'joiner.constructor', template: '{{ joiner.constructor(__JS__)() }}', expect: 'forbidden' },
  { name: 'a method of what cycler() returns', template: '{{ cycler(1, 2).next.constructor(__JS__)() }}', expect: 'forbidden' },
  { name: 'the function joiner() returns, by subscript', template: '{{ joiner(",")["constructor"](__JS__)() }}', expect: 'forbidden' },
  { name: 'a list built by range()', template: '{{ range(3).constructor.constructor(__JS__)() }}', expect: 'forbidden' },
  // Entry points: literals
  { name: 'string literal', template: '{{ "".constructor.constructor(__JS__)() }}', expect: 'forbidden' },
  { name: 'array literal', template: '{{ [].constructor.constructor(__JS__)() }}', expect: 'forbidden' },
  { name: 'dict literal', template: '{% set o = {} %}{{ o.constructor.constructor(__JS__)() }}', expect: 'forbidden' },
  { name: 'number literal', template: '{{ (1).constructor.constructor(__JS__)() }}', expect: 'forbidden' },
  { name: 'boolean literal', template: '{{ (true).constructor.constructor(__JS__)() }}', expect: 'forbidden' },
  // Entry points: the render context
  { name: 'settings data (a list)', template: '{{ vlans.constructor.constructor(__JS__)() }}', expect: 'forbidden' },
  { name: 'device string', template: '{{ device.hostname.constructor.constructor(__JS__)() }}', expect: 'forbidden' },
  { name: 'secrets object', template: '{{ secrets.constructor.constructor(__JS__)() }}', expect: 'forbidden' },
  { name: 'loop variable', template: '{% for v in [1] %}{{ loop.constructor.constructor(__JS__)() }}{% endfor %}', expect: 'forbidden' },
  { name: 'a macro (a function in context)', template: '{% macro m() %}x{% endmacro %}{{ m.constructor(__JS__)() }}', expect: 'forbidden' },
  {
    name: 'caller in a call block',
    template: '{% macro w() %}{{ caller.constructor(__JS__)() }}{% endmacro %}{% call w() %}x{% endcall %}',
    expect: 'forbidden',
  },
  { name: 'arguments.callee in a macro', template: '{% macro m() %}{{ arguments.callee.constructor(__JS__)() }}{% endmacro %}{{ m() }}', expect: 'forbidden' },
  { name: 'Function.caller', template: '{{ range.caller }}', expect: 'forbidden' },
  { name: 'a bare name off Object.prototype', template: '{{ constructor.constructor(__JS__)() }}', expect: 'forbidden' },
  { name: 'valueOf.call', template: '{{ valueOf.call.constructor(__JS__)() }}', expect: 'forbidden' },
  // Spellings of the member
  { name: 'concatenation with +', template: '{{ range["constr" + "uctor"](__JS__)() }}', expect: 'forbidden' },
  { name: 'concatenation with ~', template: '{{ range["constr" ~ "uctor"](__JS__)() }}', expect: 'forbidden' },
  { name: 'a {% set %} alias', template: '{% set c = "constructor" %}{{ range[c](__JS__)() }}', expect: 'forbidden' },
  { name: 'a {% set %} block alias', template: '{% set c %}constructor{% endset %}{{ range[c | trim](__JS__)() }}', expect: 'forbidden' },
  { name: 'filter output: reverse', template: '{{ range["rotcurtsnoc" | reverse](__JS__)() }}', expect: 'forbidden' },
  { name: 'filter output: replace + lower', template: '{{ range["CXNSTRUCTOR" | replace("X", "O") | lower](__JS__)() }}', expect: 'forbidden' },
  { name: 'filter output: join', template: '{{ range[["con", "struc", "tor"] | join](__JS__)() }}', expect: 'forbidden' },
  { name: 'an array as the key', template: '{{ range[["constructor"]](__JS__)() }}', expect: 'forbidden' },
  { name: 'a macro that returns the name', template: '{% macro n() %}constructor{% endmacro %}{{ range[n()](__JS__)() }}', expect: 'forbidden' },
  { name: '__proto__ walk', template: '{{ "".__proto__.__proto__.constructor.constructor(__JS__)() }}', expect: 'forbidden' },
  { name: '__proto__ built by concatenation', template: '{% set p = "__pro" + "to__" %}{{ vlans[p].constructor.constructor(__JS__)() }}', expect: 'forbidden' },
  { name: '__lookupGetter__', template: '{{ vlans.__lookupGetter__("__proto__") }}', expect: 'forbidden' },
  { name: '__defineGetter__', template: '{{ vlans.__defineGetter__("length", range) }}', expect: 'forbidden' },
  { name: 'Function.prototype.apply', template: '{{ range.apply(null, [__JS__]) }}', expect: 'forbidden' },
  { name: 'Function.prototype.bind', template: '{% set b = range.bind %}{{ b }}', expect: 'forbidden' },
  { name: 'an inherited Array method (mutating)', template: '{{ vlans.push(__JS__) }}', expect: 'forbidden' },
  { name: 'an inherited Array method taking a callback', template: '{{ vlans.map(range) }}', expect: 'forbidden' },
  { name: 'a string method handed a foreign function', template: '{{ "a".replace("a", "".constructor) }}', expect: 'forbidden' },
  { name: 'an allowed method wrapper walked to Function', template: '{{ "".concat.constructor(__JS__)() }}', expect: 'forbidden' },
  // Through filters
  {
    name: 'groupby by constructor, then the item',
    template: '{% for k, v in [range] | groupby("constructor") %}{{ v[0].constructor(__JS__)() }}{% endfor %}',
    expect: 'fails',
  },
  {
    name: 'sort(attribute="constructor"), then the item',
    template: '{{ ([range] | sort(false, false, "constructor") | first).constructor(__JS__)() }}',
    expect: 'forbidden',
  },
  { name: 'selectattr("constructor")', template: '{{ ([range] | selectattr("constructor") | first)["constructor"](__JS__)() }}', expect: 'forbidden' },
  { name: 'list filter items', template: '{% for e in {a: 1} | list %}{{ e.constructor.constructor(__JS__)() }}{% endfor %}', expect: 'forbidden' },
  { name: 'dictsort pairs', template: '{% for k, v in {a: 1} | dictsort %}{{ k.constructor.constructor(__JS__)() }}{% endfor %}', expect: 'forbidden' },
  { name: 'a filter named after Object.prototype.constructor', template: '{{ __JS__ | constructor }}', expect: 'fails' },
  { name: 'a filter named __defineGetter__', template: '{{ "x" | __defineGetter__(range) }}', expect: 'fails' },
  { name: "Jinja's attr filter", template: '{{ range | attr("constructor") }}', expect: 'fails' },
  { name: 'a safe-wrapped function (never handed over)', template: '{{ (range | safe)(3) }}', expect: 'fails' },
  // Assignments that would reach prototypes
  { name: '{% set __proto__ %}', template: '{% set __proto__ = range %}{{ x }}', expect: 'forbidden' },
  { name: '{% macro constructor %}', template: '{% macro constructor() %}x{% endmacro %}{{ constructor() }}', expect: 'forbidden' },
  { name: 'include with a computed name', template: '{% include range.constructor(__JS__)() %}', expect: 'forbidden' },
  // Classic Jinja2 payloads, as written for Python
  { name: "Jinja2 ''.__class__.__mro__ subclasses", template: '{{ "".__class__.__mro__[1].__subclasses__() }}', expect: 'fails' },
  { name: 'Jinja2 lipsum.__globals__ os.popen', template: '{{ lipsum.__globals__.os.popen("id").read() }}', expect: 'fails' },
  { name: 'Jinja2 self.__init__.__globals__', template: '{{ self.__init__.__globals__.__builtins__ }}', expect: 'fails' },
];

/** The JavaScript a successful escape would run: writes `canary` with the environment, returns the environment. */
export function escapeBody(canary: string): string {
  return `"const e = JSON.stringify(process.env); process.getBuiltinModule('fs').writeFileSync('${canary}', e); return e"`;
}

export function payloadText(p: SstiPayload, canary: string): string {
  return `! ${p.name.replace(/[{}%#]/g, '')}\n${p.template.replaceAll('__JS__', escapeBody(canary))}\n`;
}
