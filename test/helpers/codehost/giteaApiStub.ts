/**
 * Gitea/Forgejo API stand-in. The request shapes are transcribed from Gitea's
 * published swagger (templates/swagger/v1_json.tmpl, definitions
 * CreateStatusOption, CreateIssueCommentOption, EditIssueCommentOption;
 * operations repoCreateStatus, issueGetComments, issueCreateComment,
 * issueEditComment) into the OpenAPI 3 form the validating stub reads.
 */
import type { OpenApiDoc, StubRequest } from './openApiStub.ts';
import { OpenApiStub } from './openApiStub.ts';

const ownerRepo = [
  { name: 'owner', in: 'path', required: true, schema: { type: 'string' } },
  { name: 'repo', in: 'path', required: true, schema: { type: 'string' } },
];
const commentBody = {
  required: true,
  content: { 'application/json': { schema: { type: 'object', required: ['body'], properties: { body: { type: 'string' } } } } },
};

export const GITEA_DOC: OpenApiDoc = {
  paths: {
    '/repos/{owner}/{repo}/statuses/{sha}': {
      post: {
        operationId: 'repoCreateStatus',
        parameters: [...ownerRepo, { name: 'sha', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9a-f]{7,64}$' } }],
        requestBody: {
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  context: { type: 'string' },
                  description: { type: 'string' },
                  state: { type: 'string', enum: ['pending', 'success', 'error', 'failure', 'warning'] },
                  target_url: { type: 'string' },
                },
              },
            },
          },
        },
      },
    },
    '/repos/{owner}/{repo}/issues/{index}/comments': {
      get: {
        operationId: 'issueGetComments',
        parameters: [
          ...ownerRepo,
          { name: 'index', in: 'path', required: true, schema: { type: 'integer' } },
          { name: 'since', in: 'query', schema: { type: 'string', format: 'date-time' } },
          { name: 'before', in: 'query', schema: { type: 'string', format: 'date-time' } },
        ],
      },
      post: {
        operationId: 'issueCreateComment',
        parameters: [...ownerRepo, { name: 'index', in: 'path', required: true, schema: { type: 'integer' } }],
        requestBody: commentBody,
      },
    },
    '/repos/{owner}/{repo}/issues/comments/{id}': {
      patch: {
        operationId: 'issueEditComment',
        parameters: [...ownerRepo, { name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
        requestBody: commentBody,
      },
    },
  },
};

interface Comment {
  id: number;
  issue: string;
  body: string;
}

export class GiteaApiStub extends OpenApiStub {
  readonly comments: Comment[] = [];
  readonly statuses: Record<string, unknown>[] = [];
  private nextId = 1;

  constructor(options: { token: string }) {
    super({
      name: 'Gitea',
      doc: GITEA_DOC,
      prefix: '/api/v1',
      checkAuth: (headers) => (headers.authorization === `token ${options.token}` ? undefined : 'missing or wrong token'),
      handlers: {
        repoCreateStatus: (req) => {
          const status = { repo: `${req.params.owner}/${req.params.repo}`, sha: req.params.sha, ...req.body };
          this.statuses.push(status);
          return { status: 201, body: { id: this.nextId++, status: req.body.state, ...req.body } };
        },
        // Gitea answers every comment of the issue at once (its handler takes no page/limit).
        issueGetComments: (req) => ({ status: 200, body: this.comments.filter((c) => c.issue === key(req)) }),
        issueCreateComment: (req) => {
          const c = { id: this.nextId++, issue: key(req), body: req.body.body };
          this.comments.push(c);
          return { status: 201, body: c };
        },
        issueEditComment: (req) => {
          const c = this.comments.find((x) => x.id === Number(req.params.id));
          if (!c) return { status: 404, body: { message: 'not found' } };
          c.body = req.body.body;
          return { status: 200, body: c };
        },
      },
    });
  }

  seedComment(repo: string, index: number, body: string): void {
    this.comments.push({ id: this.nextId++, issue: `${repo}#${index}`, body });
  }

  commentsOn(repo: string, index: number): Comment[] {
    return this.comments.filter((c) => c.issue === `${repo}#${index}`);
  }
}

function key(req: StubRequest): string {
  return `${req.params.owner}/${req.params.repo}#${req.params.index}`;
}
