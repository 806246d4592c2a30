/** Every relative link in the README, docs/ and bench/README.md points at a file (and heading) that exists. */
import { expect } from 'chai';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? markdownFiles(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : [],
  );
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
function anchors(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set(
    [...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) =>
      m[1]!
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replace(/ /g, '-'),
    ),
  );
}

describe('docs: links', () => {
  const files = [join(root, 'README.md'), join(root, 'bench/README.md'), ...markdownFiles(join(root, 'docs'))];
  for (const file of files) {
    it(`every relative link in ${relative(root, file)} resolves`, () => {
      const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
      const broken: string[] = [];
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/i.test(target!)) continue; // external (https:, mailto:)
        const [path, anchor] = target!.split('#') as [string, string | undefined];
        const full = path ? join(dirname(file), path) : file;
        if (!existsSync(full)) broken.push(target!);
        else if (anchor && full.endsWith('.md') && !anchors(full).has(anchor)) broken.push(target!);
      }
      expect(broken).to.deep.equal([]);
    });
  }
});
