/**
 * One repo as netsync sees it, through isomorphic-git: a local repo read in place (path or file:// URL;
 * bare or not) or a remote mirrored into the data dir (http(s), token auth). Changed paths come from the
 * trees of two commits, never from a webhook's commit list.
 */
import * as fs from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import git from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import { NetsyncError } from '../model/errors.ts';
import { tooLargeMarker } from '../render/inputLimits.ts';

export interface GitRepoSpec {
  name: string;
  /** A local folder (bare or working repo). */
  path?: string;
  /** file://, http:// or https:// */
  url?: string;
  branch: string;
  /** Sent as HTTP basic auth (token as password), as GitHub, Gitea and GitLab accept. */
  token?: string;
  /** A blob larger than this is never decoded: its snapshot text is tooLargeMarker(size), which the parsers refuse. */
  maxFileBytes?: number;
}

export interface CommitInfo {
  sha: string;
  parents: string[];
  author: string;
  message: string;
}

const ZERO = /^0+$/;

export class GitRepo {
  readonly name: string;
  readonly branch: string;
  private gitdir = '';
  private readonly remote: string | undefined;
  private readonly localPath: string | undefined;
  private readonly cache = {};
  private readonly blobs = new Map<string, string>();
  private readonly snapshots = new Map<string, Map<string, string>>();
  private readonly diffs = new Map<string, { path: string; after?: string }[]>();

  constructor(
    private readonly spec: GitRepoSpec,
    private readonly mirrorDir: string,
  ) {
    this.name = spec.name;
    this.branch = spec.branch;
    const url = spec.url;
    if (url && /^https?:\/\//i.test(url)) this.remote = url;
    else this.localPath = spec.path ?? (url?.startsWith('file://') ? fileURLToPath(url) : url);
  }

  /** Where the objects live (for tests and diagnostics). */
  get dir(): string {
    return this.gitdir;
  }

  /** Makes the objects of the tracked branch available; returns the branch head, or null if the branch does not exist. */
  async fetch(): Promise<string | null> {
    if (this.remote) return this.fetchRemote(this.remote);
    if (!this.gitdir) this.gitdir = await findGitdir(this.localPath!);
    return this.resolveRef(`refs/heads/${this.branch}`);
  }

  private async fetchRemote(url: string): Promise<string | null> {
    this.gitdir = this.mirrorDir;
    const onAuth = this.spec.token ? () => ({ username: 'x-access-token', password: this.spec.token! }) : undefined;
    const exists = await stat(join(this.gitdir, 'HEAD')).then(
      () => true,
      () => false,
    );
    try {
      if (!exists) {
        await git.init({ fs, gitdir: this.gitdir, bare: true, defaultBranch: this.branch });
        await git.addRemote({ fs, gitdir: this.gitdir, remote: 'origin', url });
      }
      await git.fetch({ fs, http, gitdir: this.gitdir, url, ref: this.branch, singleBranch: true, tags: false, prune: true, ...(onAuth ? { onAuth } : {}) });
    } catch (err) {
      const e = err as { code?: string; message: string };
      if (e.code === 'NotFoundError') return null; // the server answered but has no such branch
      // The URL may carry credentials; only the host goes into the error.
      throw new NetsyncError('GIT_FETCH_FAILED', `fetching repo '${this.name}' from ${safeHost(url)} failed: ${e.code ?? e.message}`, { repo: this.name });
    }
    return this.resolveRef(`refs/remotes/origin/${this.branch}`);
  }

  private async resolveRef(ref: string): Promise<string | null> {
    try {
      return await git.resolveRef({ fs, gitdir: this.gitdir, ref });
    } catch {
      return null;
    }
  }

  /** A full sha, an abbreviated sha, a branch, or undefined (the tracked branch). */
  async resolve(commitish?: string): Promise<string> {
    if (!this.gitdir) await this.fetch();
    const want = commitish ?? this.branch;
    // `main~2`, `HEAD^`: first-parent steps back from a base.
    const ancestry = /^(.+?)((?:~\d*|\^)+)$/.exec(want);
    if (ancestry) {
      let sha = await this.resolve(ancestry[1]);
      for (const step of ancestry[2]!.match(/~\d*|\^/g)!) {
        const n = step === '^' || step === '~' ? 1 : Number(step.slice(1));
        for (let i = 0; i < n; i++) {
          const parent: string | undefined = (await this.commitInfo(sha)).parents[0];
          if (!parent) throw new NetsyncError('NOT_FOUND', `repo '${this.name}': ${want} goes past the first commit`, { repo: this.name, commitish: want });
          sha = parent;
        }
      }
      return sha;
    }
    if (want === 'HEAD') return this.resolveHead();
    const byRef = this.remote ? ((await this.resolveRef(`refs/remotes/origin/${want}`)) ?? (await this.resolveRef(want))) : await this.resolveRef(want);
    // isomorphic-git hands a 40-hex name back as it is, so a full sha is checked like any other.
    if (byRef && (await this.hasCommit(byRef))) return byRef;
    if (!byRef && /^[0-9a-f]{4,39}$/i.test(want)) {
      try {
        return await git.expandOid({ fs, gitdir: this.gitdir, oid: want.toLowerCase(), cache: this.cache });
      } catch {
        /* fall through to the error below */
      }
    }
    throw new NetsyncError('NOT_FOUND', `repo '${this.name}' has no commit or branch '${want}'`, { repo: this.name, commitish: want });
  }

  /**
   * `HEAD` of a local repo is its checked-out commit (a CI job's PR head, detached or on a feature branch), not
   * the tracked branch; a mirror's own HEAD means nothing, and a bare repo's HEAD is usually the branch anyway.
   */
  private async resolveHead(): Promise<string> {
    const head = this.remote ? null : await this.resolveRef('HEAD');
    return head && (await this.hasCommit(head)) ? head : this.resolve();
  }

  private async hasCommit(sha: string): Promise<boolean> {
    return git.readCommit({ fs, gitdir: this.gitdir, oid: sha, cache: this.cache }).then(
      () => true,
      () => false,
    );
  }

  async commitInfo(sha: string): Promise<CommitInfo> {
    if (!this.gitdir) await this.fetch();
    const { commit } = await git.readCommit({ fs, gitdir: this.gitdir, oid: sha, cache: this.cache });
    return { sha, parents: commit.parent, author: `${commit.author.name} <${commit.author.email}>`, message: commit.message.trim() };
  }

  async isAncestor(ancestor: string, sha: string): Promise<boolean> {
    if (ancestor === sha) return true;
    return git.isDescendent({ fs, gitdir: this.gitdir, oid: sha, ancestor, depth: -1, cache: this.cache });
  }

  /**
   * The commits after `from` up to `to`, oldest first, following first parents; null when `from` is not
   * on that line (force push, merge of an older base) or the line is longer than `max`.
   */
  async firstParentChain(from: string, to: string, max = 200): Promise<string[] | null> {
    const chain: string[] = [];
    let cur: string | undefined = to;
    while (cur && cur !== from) {
      if (chain.length >= max) return null;
      chain.push(cur);
      cur = (await this.commitInfo(cur)).parents[0];
    }
    return cur === from ? chain.reverse() : null;
  }

  /** Paths whose content differs between two commits (added, removed, modified); identical subtrees are skipped. */
  async changedPaths(before: string | null, after: string): Promise<string[]> {
    if (!this.gitdir) await this.fetch();
    if (!before || ZERO.test(before)) return [...(await this.files(after)).keys()].sort();
    return (await this.diff(before, after)).map((d) => d.path).sort();
  }

  /** Every file of a commit as path -> text. Built from the nearest cached commit plus the diff when there is one. */
  async files(sha: string): Promise<Map<string, string>> {
    const hit = this.snapshots.get(sha);
    if (hit) return hit;
    if (!this.gitdir) await this.fetch();
    const base = [...this.snapshots.entries()].at(-1);
    const out = base ? new Map(base[1]) : new Map<string, string>();
    const changes = base ? await this.diff(base[0], sha) : await this.diff(null, sha);
    const texts = await Promise.all(changes.map((d) => (d.after ? this.blobText(d.after) : undefined)));
    changes.forEach((d, i) => (texts[i] === undefined ? out.delete(d.path) : out.set(d.path, texts[i]!)));
    this.snapshots.set(sha, out);
    if (this.snapshots.size > 16) this.snapshots.delete(this.snapshots.keys().next().value!);
    return out;
  }

  /**
   * Blobs that differ between two commits (`after` is the new blob id; missing for a deleted file), by
   * reading tree objects and descending only into subtrees whose ids differ: a push touching one file
   * reads a handful of trees however large the repo is. `before` null lists every file of `after`.
   */
  private async diff(before: string | null, after: string): Promise<{ path: string; after?: string }[]> {
    const key = `${before}..${after}`;
    const hit = this.diffs.get(key);
    if (hit) return hit;
    const [ta, tb] = await Promise.all([before ? this.rootTree(before) : undefined, this.rootTree(after)]);
    const out: { path: string; after?: string }[] = [];
    await this.diffTrees(ta, tb, '', out);
    this.diffs.set(key, out);
    if (this.diffs.size > 32) this.diffs.delete(this.diffs.keys().next().value!);
    return out;
  }

  private async diffTrees(a: string | undefined, b: string | undefined, prefix: string, out: { path: string; after?: string }[]): Promise<void> {
    if (a === b) return;
    const [ea, eb] = await Promise.all([a ? this.tree(a) : [], b ? this.tree(b) : []]);
    const before = new Map(ea.map((e) => [e.path, e]));
    const after = new Map(eb.map((e) => [e.path, e]));
    const subtrees: Promise<void>[] = [];
    for (const name of new Set([...before.keys(), ...after.keys()])) {
      const x = before.get(name);
      const y = after.get(name);
      if (x && y && x.oid === y.oid && x.type === y.type) continue;
      const path = prefix ? `${prefix}/${name}` : name;
      if (y?.type === 'blob') out.push({ path, after: y.oid });
      else if (x?.type === 'blob') out.push({ path });
      const xt = x?.type === 'tree' ? x.oid : undefined;
      const yt = y?.type === 'tree' ? y.oid : undefined;
      if (xt || yt) subtrees.push(this.diffTrees(xt, yt, path, out));
    }
    await Promise.all(subtrees);
  }

  private async rootTree(sha: string): Promise<string> {
    return (await git.readCommit({ fs, gitdir: this.gitdir, oid: sha, cache: this.cache })).commit.tree;
  }

  private async tree(oid: string): Promise<{ path: string; oid: string; type: string }[]> {
    return (await git.readTree({ fs, gitdir: this.gitdir, oid, cache: this.cache })).tree;
  }

  private async blobText(oid: string): Promise<string> {
    let text = this.blobs.get(oid);
    if (text === undefined) {
      const { blob } = await git.readBlob({ fs, gitdir: this.gitdir, oid, cache: this.cache });
      const max = this.spec.maxFileBytes;
      text = max !== undefined && blob.byteLength > max ? tooLargeMarker(blob.byteLength) : Buffer.from(blob).toString('utf8');
      this.blobs.set(oid, text);
      // Bounded: a long-lived daemon sees every version of every file.
      if (this.blobs.size > 100_000) this.blobs.delete(this.blobs.keys().next().value!);
    }
    return text;
  }
}

async function findGitdir(path: string): Promise<string> {
  for (const candidate of [join(path, '.git'), path]) {
    if (
      await stat(join(candidate, 'HEAD')).then(
        () => true,
        () => false,
      )
    )
      return candidate;
  }
  throw new NetsyncError('CONFIG_INVALID', `${path} is not a git repository (no HEAD in it or in its .git folder)`, { path });
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the configured URL';
  }
}
