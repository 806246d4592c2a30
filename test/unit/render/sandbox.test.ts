/**
 * Wall 1 of the template sandbox (nunjucks' runtime hooks), over the whole escape corpus, and the template
 * features that must keep working.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isNetsyncError } from '../../../src/model/errors.ts';
import { parseSettings, parseTemplates, renderConfig } from '../../../src/render/index.ts';
import { ROOT } from '../../helpers/repoFixtures.ts';
import { SSTI_CORPUS, escapeBody, payloadText } from '../../helpers/sstiCorpus.ts';

const PROBE = 'probe-7f3a9c-environment-value';
const device = { hostname: 'sw1', type: 'ACCESS', platform: 'eos', groups: [] };
const settings = parseSettings(new Map([['global/vlans.yml', 'vlans:\n  - { id: 10, name: users }\n  - { id: 20, name: voice }\nname: Core\n']]));

function render(template: string, extra: Record<string, string> = {}) {
  const templates = parseTemplates(new Map([['eos/mapping.yml', 'ACCESS: { entrypoint: t.j2 }\n'], ['eos/t.j2', template], ...Object.entries(extra)]));
  return renderConfig(device, { settings, templates, secrets: { snmp: 'S3cret' } });
}

function failure(template: string): { code: string; message: string; data: Record<string, unknown> } {
  try {
    const out = render(template);
    return { code: 'RENDERED', message: out.config, data: {} };
  } catch (err) {
    if (!isNetsyncError(err)) throw err;
    return { code: err.code, message: err.message, data: err.data };
  }
}

describe('render sandbox: escape corpus (wall 1)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'netsync-ssti-'));
    process.env.NETSYNC_SSTI_PROBE = PROBE;
  });
  after(() => {
    delete process.env.NETSYNC_SSTI_PROBE;
    rmSync(dir, { recursive: true, force: true });
  });

  it('has at least 30 payloads', () => expect(SSTI_CORPUS.length).to.be.at.least(30));

  it('control: the first payload does escape stock nunjucks (so the corpus tests something)', () => {
    const canary = join(dir, 'control');
    const template = SSTI_CORPUS[0]!.template.replaceAll('__JS__', escapeBody(canary));
    const out = execFileSync(process.execPath, ['-e', `process.stdout.write(require('nunjucks').renderString(${JSON.stringify(template)}, {}))`], {
      cwd: ROOT,
      env: { ...process.env, NETSYNC_SSTI_PROBE: PROBE },
      encoding: 'utf8',
    });
    expect(out).to.contain(PROBE);
    expect(existsSync(canary)).to.equal(true);
  });

  SSTI_CORPUS.forEach((p, i) => {
    it(`${i + 1}. ${p.name}: ${p.expect === 'forbidden' ? 'TEMPLATE_FORBIDDEN' : 'fails'}, no canary, no environment`, () => {
      const canary = join(dir, `canary-${i}`);
      const f = failure(payloadText(p, canary));
      expect(existsSync(canary), 'canary written').to.equal(false);
      expect(f.message).to.not.contain(PROBE);
      if (p.expect === 'forbidden') {
        expect(f.code, f.message).to.equal('TEMPLATE_FORBIDDEN');
        expect(f.data).to.include({ template: 'eos/t.j2', line: 2 });
      } else {
        expect(f.code, f.message).to.be.oneOf(['RENDER_FAILED', 'TEMPLATE_FORBIDDEN']);
      }
    });
  });
});

describe('render sandbox: what templates may still do', () => {
  it('macros, imported macros, call blocks with caller, loop, cycler, joiner', () => {
    const out = render(
      [
        '{% import "eos/lib.j2" as lib %}',
        '{% macro wrap() %}[{{ caller() }}]{% endmacro %}',
        '{% set c = cycler("odd", "even") %}{% set j = joiner(", ") %}',
        '{% for v in vlans %}{{ j() }}{{ v.id }}:{{ c.next() }}:{{ loop.index }}{% endfor %}',
        '{% call wrap() %}{{ lib.hello(name) }}{% endcall %}',
        '{{ range(2, 8, 2) | join(",") }} {{ range(3) | length }} {{ secrets.snmp | length }}',
      ].join('\n'),
      { 'eos/lib.j2': '{% macro hello(who) %}hello {{ who }}{% endmacro %}' },
    ).config;
    // trimBlocks eats the newline after a block tag.
    expect(out).to.equal('10:odd:1, 20:even:2[hello Core]2,4,6 3 6\n');
  });

  it('pure string, array and number methods; filters over data (sort, groupby, dictsort, attribute joins)', () => {
    const out = render(
      [
        '{{ name.toUpperCase() }} {{ name.startsWith("Co") }} {{ name.padEnd(6, ".") }}| {{ name.split("o") | join("+") }}',
        '{{ vlans.slice(1) | join(",", "name") }} {{ vlans.includes(3) }} {{ (2.5).toFixed(2) }}',
        '{{ vlans | sort(true, false, "id") | join(",", "id") }} {% for k, v in {b: 1, a: 2} | dictsort %}{{ k }}{{ v }}{% endfor %}',
        '{% for g, items in vlans | groupby("name") %}{{ g }}={{ items | length }} {% endfor %}',
      ].join('\n'),
    ).config;
    expect(out).to.equal('CORE true Core..| C+re\nvoice false 2.50\n20,10 a2b1users=1 voice=1\n');
  });

  it('a mutating method is refused, so one device cannot change the settings the next device renders', () => {
    expect(failure('{{ vlans.pop() }}').code).to.equal('TEMPLATE_FORBIDDEN');
    expect(failure('{{ vlans.sort() }}').code).to.equal('TEMPLATE_FORBIDDEN');
    expect(render('{{ vlans | length }}').config).to.equal('2\n');
  });

  it('range is capped at 100,000 numbers (a bigger one is refused, naming template and line)', () => {
    expect(render('{{ range(100000) | length }}').config).to.equal('100000\n');
    const f = failure('ok\n{% for i in range(0, 100000000) %}{% endfor %}');
    expect(f.code).to.equal('TEMPLATE_FORBIDDEN');
    expect(f.data).to.include({ template: 'eos/t.j2', line: 2 });
    expect(f.message).to.match(/^sw1: eos\/t\.j2: range\(\) of 100000000 numbers/);
  });

  it('a refusal inside an include names the included template and its line', () => {
    const templates = { 'eos/inner.j2': 'a\nb\n{{ vlans.constructor }}' };
    const templatesSnap = parseTemplates(
      new Map([['eos/mapping.yml', 'ACCESS: { entrypoint: t.j2 }\n'], ['eos/t.j2', 'x\n{% include "inner.j2" %}'], ...Object.entries(templates)]),
    );
    try {
      renderConfig(device, { settings, templates: templatesSnap });
      expect.fail('rendered');
    } catch (err) {
      expect(err).to.have.property('code', 'TEMPLATE_FORBIDDEN');
      expect((err as { data: object }).data).to.include({ template: 'eos/inner.j2', line: 3 });
    }
  });

  it('undefined members stay undefined (throwOnUndefined still names them), not refused', () => {
    const f = failure('{{ vlans[0].nosuch }}');
    expect(f.code).to.equal('RENDER_FAILED');
    expect(f.message).to.contain("undefined variable 'vlans[0].nosuch'");
  });
});
