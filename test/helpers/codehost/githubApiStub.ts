/**
 * GitHub REST API stand-in, validated against GitHub's own published OpenAPI
 * description (@octokit/openapi, api.github.com.json), plus the 140-character
 * commit-status description limit GitHub enforces (HTTP 422) but the
 * description does not state. Keeps statuses and issue comments in memory.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { OpenApiDoc, StubRequest } from './openApiStub.ts';
import { OpenApiStub } from './openApiStub.ts';

let cachedDoc: OpenApiDoc | undefined;
function githubDoc(): OpenApiDoc {
  if (!cachedDoc) {
    const file = createRequire(import.meta.url).resolve('@octokit/openapi/generated/api.github.com.json');
    cachedDoc = JSON.parse(readFileSync(file, 'utf8')) as OpenApiDoc;
  }
  return cachedDoc;
}

export interface StubComment {
  id: number;
  issue: string;
  body: string;
  user: string;
}

export interface StubStatus {
  repo: string;
  sha: string;
  state: string;
  context: string;
  description?: string | null;
  target_url?: string | null;
}

export class GithubApiStub extends OpenApiStub {
  readonly comments: StubComment[] = [];
  readonly statuses: StubStatus[] = [];
  private nextId = 1000;

  constructor(options: { token: string; prefix?: string }) {
    super({
      name: 'GitHub',
      doc: githubDoc(),
      ...(options.prefix ? { prefix: options.prefix } : {}),
      checkAuth: (headers) => {
        const auth = String(headers.authorization ?? '');
        if (auth !== `token ${options.token}` && auth !== `Bearer ${options.token}`) return 'missing or wrong token';
        if (!headers['user-agent']) return 'GitHub requires a User-Agent header';
        return undefined;
      },
      extraRules: {
        'repos/create-commit-status': (req) =>
          typeof req.body?.description === 'string' && [...req.body.description].length > 140
            ? `description is too long (maximum is 140 characters): ${[...req.body.description].length}`
            : undefined,
        'issues/create-comment': (req) => bodyLimit(req),
        'issues/update-comment': (req) => bodyLimit(req),
      },
      handlers: {
        'repos/create-commit-status': (req) => {
          const repo = `${req.params.owner}/${req.params.repo}`;
          const status: StubStatus = { repo, sha: req.params.sha!, context: 'default', ...req.body };
          this.statuses.push(status);
          return { status: 201, body: { id: this.nextId++, url: '', ...status, created_at: new Date().toISOString() } };
        },
        'issues/list-comments': (req) => {
          const perPage = Number(req.query.get('per_page') ?? 30);
          const page = Number(req.query.get('page') ?? 1);
          const all = this.comments.filter((c) => c.issue === issueKey(req));
          const slice = all.slice((page - 1) * perPage, page * perPage);
          const headers: Record<string, string> = {};
          if (page * perPage < all.length) {
            const next = new URL(`${this.url}${req.path}`);
            next.searchParams.set('per_page', String(perPage));
            next.searchParams.set('page', String(page + 1));
            headers.link = `<${next.toString()}>; rel="next"`;
          }
          return { status: 200, body: slice.map((c) => this.commentJson(c)), headers };
        },
        'issues/create-comment': (req) => {
          const comment: StubComment = { id: this.nextId++, issue: issueKey(req), body: req.body.body, user: 'netsync-bot' };
          this.comments.push(comment);
          return { status: 201, body: this.commentJson(comment) };
        },
        'issues/update-comment': (req) => {
          const comment = this.comments.find((c) => c.id === Number(req.params.comment_id));
          if (!comment) return { status: 404, body: { message: 'Not Found' } };
          comment.body = req.body.body;
          return { status: 200, body: this.commentJson(comment) };
        },
      },
    });
  }

  /** A comment someone else wrote, to check we never touch it. */
  seedComment(repo: string, number: number, body: string, user = 'octocat'): StubComment {
    const comment = { id: this.nextId++, issue: `${repo}#${number}`, body, user };
    this.comments.push(comment);
    return comment;
  }

  commentsOn(repo: string, number: number): StubComment[] {
    return this.comments.filter((c) => c.issue === `${repo}#${number}`);
  }

  private commentJson(c: StubComment) {
    return {
      id: c.id,
      node_id: `IC_${c.id}`,
      body: c.body,
      user: { login: c.user, id: 1 },
      html_url: `https://github.com/${c.issue}`,
      created_at: '2026-01-01T00:00:00Z',
    };
  }
}

function issueKey(req: StubRequest): string {
  return `${req.params.owner}/${req.params.repo}#${req.params.issue_number}`;
}

/** GitHub rejects comment bodies over 65,536 characters (HTTP 422, "body is too long"). */
function bodyLimit(req: StubRequest): string | undefined {
  const n = [...String(req.body?.body ?? '')].length;
  return n > 65_536 ? `body is too long (maximum is 65536 characters): ${n}` : undefined;
}
