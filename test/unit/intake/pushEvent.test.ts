import { expect } from 'chai';
import { createRequire } from 'node:module';
import { normalizeRepoId, parseEvent } from '../../../src/intake/pushEvent.ts';

const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as { name: string; examples: Record<string, unknown>[] }[];

describe('intake: payload parsing', () => {
  it('reads every real GitHub push example: ref, before, after, deletion, repo names', () => {
    const pushes = examples.find((e) => e.name === 'push')!.examples;
    expect(pushes.length).to.be.greaterThan(3);
    for (const p of pushes) {
      const e = parseEvent('github', 'push', Buffer.from(JSON.stringify(p)));
      expect(e.kind).to.equal('push');
      expect(e.ref).to.equal(p.ref);
      expect(e.deleted).to.equal(p.deleted === true);
      expect(e.repoIds).to.include(normalizeRepoId((p.repository as { full_name: string }).full_name));
    }
  });

  it('normalises URLs and names so any spelling of the same repo matches', () => {
    const want = 'git.example.net/netops/settings';
    for (const id of [
      'https://user:pw@Git.Example.net/NetOps/Settings.git',
      'git@git.example.net:netops/settings.git',
      'ssh://git@git.example.net/netops/settings/',
      want,
    ]) {
      expect(normalizeRepoId(id), id).to.equal(want);
    }
  });

  it('rejects malformed JSON and a push without after with BAD_REQUEST', () => {
    expect(() => parseEvent('github', 'push', Buffer.from('{')))
      .to.throw()
      .with.property('code', 'BAD_REQUEST');
    expect(() => parseEvent('github', 'push', Buffer.from('[]')))
      .to.throw()
      .with.property('code', 'BAD_REQUEST');
    expect(() => parseEvent('gitlab', 'Push Hook', Buffer.from('{"ref":"refs/heads/main"}')))
      .to.throw()
      .with.property('code', 'BAD_REQUEST');
  });
});
