import { expect } from 'chai';
import { templateClosure, templateReferences } from '../../../src/impact/index.ts';
import { parseTemplates } from '../../../src/render/index.ts';

const closure = (files: Map<string, string>, root = 'eos/a.j2', platform = 'eos') => [...templateClosure(platform, [root], files)].sort();

describe('impact: include graph', () => {
  it('reads include, import, from and extends, with either quote style and whitespace control', () => {
    const refs = templateReferences(`{% extends "layout.j2" %}{%- include 'a.j2' -%}{% import "macros.j2" as m %}{% from "f.j2" import x %}`);
    expect(refs).to.deep.equal({ names: ['layout.j2', 'a.j2', 'macros.j2', 'f.j2'], patterns: [] });
  });

  it('ignores references inside comments, raw blocks and string literals', () => {
    const refs = templateReferences(
      `{# {% include "c.j2" %} #}{% raw %}{% include "r.j2" %}{% endraw %}{% set s = "include 's.j2'" %}{{ "{% include 'o.j2' %}" }}`,
    );
    expect(refs).to.deep.equal({ names: [], patterns: [] });
  });

  it('takes both names of an inline if, and one name when the else is missing', () => {
    expect(templateReferences(`{% include "qos/voice.xml.j2" if voice_vlan else "qos/default.xml.j2" %}`).names).to.deep.equal([
      'qos/voice.xml.j2',
      'qos/default.xml.j2',
    ]);
    expect(templateReferences(`{% include "x.j2" if a %}`)).to.deep.equal({ names: ['x.j2'], patterns: [] });
  });

  it('turns a concatenation into a pattern with holes, and a variable or filter into "any name"', () => {
    expect(templateReferences(`{% include "acl/" ~ acl_profile ~ ".j2" %}`).patterns).to.deep.equal([['acl/', null, '.j2']]);
    expect(templateReferences(`{% include "acl/" + name %}`).patterns).to.deep.equal([['acl/', null]]);
    expect(templateReferences(`{% include banner_template %}`).patterns).to.deep.equal([[null]]);
    expect(templateReferences(`{% include ("x" ~ y) | lower %}`).patterns).to.deep.equal([[null]]);
    expect(templateReferences(`{% include ("p/" if a else "q/") ~ n ~ ".j2" %}`).patterns).to.deep.equal([
      ['p/', null, '.j2'],
      ['q/', null, '.j2'],
    ]);
  });

  it('finds references in loops, macros, blocks and branches', () => {
    const refs = templateReferences(
      `{% for i in l %}{% include "loop.j2" %}{% endfor %}{% macro m() %}{% import "mac.j2" as x %}{% endmacro %}{% block b %}{% from "blk.j2" import y %}{% endblock %}{% if c %}{% else %}{% include "else.j2" %}{% endif %}`,
    );
    expect(refs.names.sort()).to.deep.equal(['blk.j2', 'else.j2', 'loop.j2', 'mac.j2']);
  });

  it('a template that does not parse can name anything', () => {
    expect(templateReferences(`{% include "a.j2" %}{% if %}`).patterns).to.deep.equal([[null]]);
  });

  it('follows includes transitively, prefers the platform folder, falls back to the repo root', () => {
    const files = new Map([
      ['eos/a.j2', '{% include "b.j2" %}'],
      ['eos/b.j2', '{% import "shared/m.j2" as m %}'],
      ['shared/m.j2', '{% from "deep.j2" import x %}'],
      ['eos/deep.j2', ''],
      ['eos/unused.j2', ''],
    ]);
    expect(closure(files)).to.deep.equal(['eos/a.j2', 'eos/b.j2', 'eos/deep.j2', 'shared/m.j2']);
  });

  it('a concatenated name reaches every file it could name, in the platform folder and from the root', () => {
    const files = new Map([
      ['eos/a.j2', '{% include "acl/" ~ acl_profile ~ ".j2" %}'],
      ['eos/acl/staff.j2', ''],
      ['eos/acl/guest.j2', ''],
      ['acl/corp.j2', ''],
      ['eos/acl/readme.md', ''],
      ['eos/other.j2', ''],
    ]);
    expect(closure(files)).to.deep.equal(['acl/corp.j2', 'eos/a.j2', 'eos/acl/guest.j2', 'eos/acl/staff.j2']);
  });

  it('a variable name reaches every file of the repo, the repo root included (shared/banner_corp.j2)', () => {
    const files = new Map([
      ['eos/a.j2', '{% include banner_template %}'],
      ['eos/x.j2', ''],
      ['shared/banner_corp.j2', ''],
      ['junos/y.j2', ''],
    ]);
    expect(closure(files)).to.deep.equal(['eos/a.j2', 'eos/x.j2', 'junos/y.j2', 'shared/banner_corp.j2']);
  });

  it('both branches of an inline if are followed', () => {
    const files = new Map([
      ['netconf/a.j2', '{% include "qos/voice.xml.j2" if voice_vlan else "qos/default.xml.j2" %}'],
      ['netconf/qos/voice.xml.j2', ''],
      ['netconf/qos/default.xml.j2', ''],
    ]);
    expect(closure(files, 'netconf/a.j2', 'netconf')).to.deep.equal(['netconf/a.j2', 'netconf/qos/default.xml.j2', 'netconf/qos/voice.xml.j2']);
  });

  it('an include in a comment or raw block creates no edge (and no include loop)', () => {
    const files = new Map([
      ['eos/a.j2', '{% include "b.j2" %}'],
      ['eos/b.j2', '{# {% include "a.j2" %} #}{% raw %}{% include "a.j2" %}{% endraw %}'],
    ]);
    expect(closure(files)).to.deep.equal(['eos/a.j2', 'eos/b.j2']);
    const snapshot = parseTemplates(new Map([...files, ['eos/mapping.yml', 'ACCESS: {entrypoint: a.j2}']]));
    expect(snapshot.includeCycle('eos', 'a.j2')).to.equal(undefined);
  });

  it('keeps a reference to a missing file, so adding it later counts', () => {
    const c = templateClosure('eos', ['eos/a.j2'], new Map([['eos/a.j2', '{% include "later.j2" %}']]));
    expect(c.has('eos/later.j2') && c.has('later.j2')).to.equal(true);
  });
});

describe('render: ignore missing', () => {
  it('an include of a missing file with "ignore missing" renders nothing; without it the render fails', () => {
    const snapshot = parseTemplates(
      new Map([
        ['eos/mapping.yml', 'ACCESS: {entrypoint: a.j2}\nDIST: {entrypoint: b.j2}'],
        ['eos/a.j2', 'x{% include "nope.j2" ignore missing %}y'],
        ['eos/b.j2', 'x{% include "nope.j2" %}y'],
      ]),
    );
    expect(snapshot.environment('eos').render('a.j2', {})).to.equal('xy');
    expect(() => snapshot.environment('eos').render('b.j2', {})).to.throw(/template not found: nope.j2/);
  });
});
