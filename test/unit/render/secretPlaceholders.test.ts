/** The shown render never holds a secret or anything a template derived from one; device text lines up with it. */
import { expect } from 'chai';
import { maskDeviceText, parseSettings, parseTemplates, renderConfig } from '../../../src/render/index.ts';
import { isNetsyncError } from '../../../src/model/errors.ts';
import { maskWithSubstitutions } from '../../../src/render/secretPlaceholders.ts';

const SECRET = 'Tr0ub4dor-and-3';
const secrets = { snmp: SECRET, other: 'correct-horse-battery' };
const device = { hostname: 'sw-1', type: 'ACCESS', platform: 'eos', groups: [] };

function render(body: string, extra: Record<string, string> = {}) {
  const templates = parseTemplates(
    new Map([['eos/mapping.yml', 'ACCESS: {entrypoint: a.j2}'], ['eos/a.j2', `hostname sw-1\n${body}\nend\n`], ...Object.entries(extra)]),
  );
  return renderConfig(device, { settings: parseSettings(new Map()), templates, secrets });
}

/** Every text a secret could leak through, in a form a failed check can print. */
function derived(value: string): string[] {
  const out = [
    value,
    [...value].reverse().join(''),
    value.toUpperCase(),
    value.toLowerCase(),
    encodeURIComponent(value),
    Buffer.from(value).toString('base64'),
  ];
  return out.concat(value.slice(0, 6), value.slice(-6), [...value].join('.'), [...value].join(','));
}

export const TRANSFORMATIONS: [string, string][] = [
  ['as is', 'snmp-server community {{ secrets.snmp }} ro'],
  ['reverse', 'snmp-server community {{ secrets.snmp | reverse }} ro'],
  ['upper', 'snmp-server community {{ secrets.snmp | upper }} ro'],
  ['lower', 'snmp-server community {{ secrets.snmp | lower }} ro'],
  ['replace', 'snmp-server community {{ secrets.snmp | replace("-", "_") }} ro'],
  ['slice', 'snmp-server community {{ secrets.snmp.slice(0, 6) }} ro'],
  ['truncate', 'snmp-server community {{ secrets.snmp | truncate(8, true, "") }} ro'],
  ['list|join', 'snmp-server community {{ secrets.snmp | list | join(".") }} ro'],
  ['split|join', 'snmp-server community {{ secrets.snmp.split("") | join(",") }} ro'],
  ['first/last', 'snmp-server location {{ secrets.snmp | first }}{{ secrets.snmp | last }}x'],
  ['concatenation', 'snmp-server community {{ "pre-" ~ secrets.snmp ~ "-post" }} ro'],
  ['urlencode', 'snmp-server host x {{ secrets.snmp | urlencode }}'],
  ['loop variable', '{% for c in secrets.snmp %}snmp-server char {{ c }}\n{% endfor %}'],
  ['set alias', '{% set s = secrets["sn" ~ "mp"] %}snmp-server community {{ s | title }} ro'],
  ['dictsort over secrets', '{% for k, v in secrets | dictsort %}key {{ k }} {{ v | reverse }}\n{% endfor %}'],
  ['macro argument', '{% macro c(v) %}community {{ v | capitalize }}{% endmacro %}snmp-server {{ c(secrets.snmp) }} ro'],
];

describe('render: secrets as placeholders', () => {
  for (const [name, body] of TRANSFORMATIONS) {
    it(`${name}: the device gets the secret, the shown render and the masked device text do not`, () => {
      const r = render(body);
      expect(r.config, 'the device-bound render uses the real value').not.to.equal(r.masked);
      for (const leak of derived(SECRET).filter((x) => x.length >= 3)) expect(r.masked, leak).not.to.contain(leak);
      // The device echoes what it was sent: masked, it reads exactly like the shown render.
      expect(maskDeviceText(r.config, r.secretSubstitutions, r.masked)).to.equal(r.masked);
    });
  }

  it('hashes the real config (a changed secret is a change) and skips the second render when no secret is read', () => {
    const a = render('snmp-server community {{ secrets.snmp }} ro');
    const plain = render('snmp-server location lab');
    expect(plain.config).to.equal(plain.masked);
    expect(a.hash).not.to.equal(
      renderConfig(device, {
        settings: parseSettings(new Map()),
        templates: parseTemplates(
          new Map([
            ['eos/mapping.yml', 'ACCESS: {entrypoint: a.j2}'],
            ['eos/a.j2', 'hostname sw-1\nsnmp-server community {{ secrets.snmp }} ro\nend\n'],
          ]),
        ),
        secrets: { snmp: 'another-one' },
      }).hash,
    );
  });

  for (const [name, body] of [
    ['include by a secret name', '{% include secrets.snmp | lower %}'],
    ['import by a secret name', '{% import secrets.snmp ~ ".j2" as m %}'],
    ['an undefined member of a secret', '{{ secrets.snmp.nosuch.deeper }}'],
    ['a secret-dependent failure', '{% if secrets.snmp == "' + SECRET + '" %}{% include "missing-" ~ secrets.snmp %}{% endif %}'],
  ] as const) {
    it(`error messages hold no secret: ${name}`, () => {
      let caught: unknown;
      try {
        render(body);
      } catch (err) {
        caught = err;
      }
      expect(isNetsyncError(caught) && caught.code, String(caught)).to.equal('RENDER_FAILED');
      const text = JSON.stringify({ message: (caught as Error).message, data: (caught as { data?: unknown }).data });
      for (const leak of derived(SECRET).filter((x) => x.length >= 3)) expect(text, leak).not.to.contain(leak);
    });
  }

  it('masks a secret a device echoes outside the rendered lines, and an unknown one by its shape', () => {
    const r = render('snmp-server community {{ secrets.snmp }} ro');
    const running = `${r.config}logging host 10.0.0.1 tag ${SECRET}\nusername admin secret 5 $1$oldhash\n`;
    const shown = maskDeviceText(running, r.secretSubstitutions, r.masked);
    expect(shown).not.to.contain(SECRET);
    expect(shown).to.contain('logging host 10.0.0.1 tag «secret:snmp»');
    expect(shown).to.contain('username admin secret ********');
    expect(shown).not.to.contain('oldhash');
  });

  it('masks a multi-line secret (a key block) as one block', () => {
    const templates = parseTemplates(
      new Map([
        ['eos/mapping.yml', 'ACCESS: {entrypoint: a.j2}'],
        ['eos/a.j2', 'hostname sw-1\ncrypto key\n{{ secrets.key }}\nend\n'],
      ]),
    );
    const key = 'AAAA-line-1\nBBBB-line-2\nCCCC-line-3';
    const r = renderConfig(device, { settings: parseSettings(new Map()), templates, secrets: { key } });
    expect(r.masked).to.equal('hostname sw-1\ncrypto key\n«secret:key»\nend\n');
    expect(maskDeviceText(r.config, r.secretSubstitutions, r.masked)).to.equal(r.masked);
  });
  it('replaces a secret that contains another one whole, whatever order the substitutions come in', () => {
    const short = { real: 'Tr0ub4dor', shown: '«secret:short»' };
    const long = { real: 'Tr0ub4dor-and-3', shown: '«secret:long»' };
    const inside = { real: 'xx-Tr0ub4dor-yy', shown: '«secret:inside»' };
    for (const subs of [
      [short, long, inside],
      [inside, long, short],
    ]) {
      // Longest first: where a short secret starts a longer one, the longer one's rest must not stay visible.
      expect(maskWithSubstitutions('a Tr0ub4dor-and-3 b xx-Tr0ub4dor-yy c Tr0ub4dor', subs)).to.equal('a «secret:long» b «secret:inside» c «secret:short»');
    }
  });
});
