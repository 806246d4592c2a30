import { expect } from 'chai';
import { templateClosure, templateReferences } from '../../../src/impact/index.ts';

describe('impact: include graph', () => {
  it('reads include, import, from and extends, with either quote style and whitespace control', () => {
    const refs = templateReferences(`{% extends "layout.j2" %}{%- include 'a.j2' -%}{% import "macros.j2" as m %}{% from "f.j2" import x %}`);
    expect(refs).to.deep.equal({ names: ['layout.j2', 'a.j2', 'macros.j2', 'f.j2'], dynamic: false });
  });

  it('follows includes transitively, prefers the platform folder, falls back to the repo root', () => {
    const files = new Map([
      ['eos/a.j2', '{% include "b.j2" %}'],
      ['eos/b.j2', '{% import "shared/m.j2" as m %}'],
      ['shared/m.j2', '{% from "deep.j2" import x %}'],
      ['eos/deep.j2', ''],
      ['eos/unused.j2', ''],
    ]);
    expect([...templateClosure('eos', ['eos/a.j2'], files)].sort()).to.deep.equal(['eos/a.j2', 'eos/b.j2', 'eos/deep.j2', 'shared/m.j2']);
  });

  it('treats a dynamic include as depending on every file of the platform (no false negatives)', () => {
    const files = new Map([
      ['eos/a.j2', '{% include tpl_name %}'],
      ['eos/x.j2', ''],
      ['junos/y.j2', ''],
    ]);
    expect([...templateClosure('eos', ['eos/a.j2'], files)].sort()).to.deep.equal(['eos/a.j2', 'eos/x.j2']);
  });

  it('keeps a reference to a missing file, so adding it later counts', () => {
    const closure = templateClosure('eos', ['eos/a.j2'], new Map([['eos/a.j2', '{% include "later.j2" %}']]));
    expect(closure.has('eos/later.j2') && closure.has('later.j2')).to.equal(true);
  });
});
