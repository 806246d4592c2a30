/**
 * GitLab API v4 stand-in. Request shapes transcribed from GitLab's REST docs:
 * "Commits API: Set the pipeline status of a commit" (POST
 * /projects/:id/statuses/:sha; `state` required, one of pending, running,
 * success, failed, canceled, skipped) and "Notes API: Merge requests" (list,
 * create, modify MR notes; `body` required).
 */
import type { OpenApiDoc, StubRequest } from './openApiStub.ts';
import { OpenApiStub } from './openApiStub.ts';

/** `:id` is a numeric id or the URL-encoded full path of the project. */
const projectId = { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^([0-9]+|[^/]+(/[^/]+)+)$' } };
const mrIid = { name: 'merge_request_iid', in: 'path', required: true, schema: { type: 'integer' } };
const noteBody = {
  required: true,
  content: {
    'application/json': {
      schema: {
        type: 'object',
        required: ['body'],
        properties: {
          body: { type: 'string', maxLength: 1_000_000 },
          internal: { type: 'boolean' },
          created_at: { type: 'string' },
          merge_request_diff_head_sha: { type: 'string' },
        },
      },
    },
  },
};

export const GITLAB_DOC: OpenApiDoc = {
  paths: {
    '/projects/{id}/statuses/{sha}': {
      post: {
        operationId: 'postCommitStatus',
        parameters: [projectId, { name: 'sha', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9a-f]{7,64}$' } }],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['state'],
                properties: {
                  state: { type: 'string', enum: ['pending', 'running', 'success', 'failed', 'canceled', 'skipped'] },
                  ref: { type: 'string' },
                  name: { type: 'string' },
                  context: { type: 'string' },
                  target_url: { type: 'string' },
                  description: { type: 'string' },
                  coverage: { type: 'number' },
                  pipeline_id: { type: 'integer' },
                },
                additionalProperties: false,
              },
            },
          },
        },
      },
    },
    '/projects/{id}/merge_requests/{merge_request_iid}/notes': {
      get: {
        operationId: 'listMergeRequestNotes',
        parameters: [
          projectId,
          mrIid,
          { name: 'sort', in: 'query', schema: { type: 'string', enum: ['asc', 'desc'] } },
          { name: 'order_by', in: 'query', schema: { type: 'string', enum: ['created_at', 'updated_at'] } },
          { name: 'page', in: 'query', schema: { type: 'integer', minimum: 1 } },
          { name: 'per_page', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100 } },
        ],
      },
      post: { operationId: 'createMergeRequestNote', parameters: [projectId, mrIid], requestBody: noteBody },
    },
    '/projects/{id}/merge_requests/{merge_request_iid}/notes/{note_id}': {
      put: {
        operationId: 'modifyMergeRequestNote',
        parameters: [projectId, mrIid, { name: 'note_id', in: 'path', required: true, schema: { type: 'integer' } }],
        requestBody: noteBody,
      },
    },
  },
};

interface Note {
  id: number;
  mr: string;
  body: string;
  system: boolean;
}

export class GitlabApiStub extends OpenApiStub {
  readonly notes: Note[] = [];
  readonly statuses: Record<string, unknown>[] = [];
  private nextId = 1;

  constructor(options: { token: string }) {
    super({
      name: 'GitLab',
      doc: GITLAB_DOC,
      prefix: '/api/v4',
      checkAuth: (headers) => (headers['private-token'] === options.token ? undefined : 'missing or wrong PRIVATE-TOKEN'),
      handlers: {
        postCommitStatus: (req) => {
          const status = { project: req.params.id, sha: req.params.sha, ...req.body };
          this.statuses.push(status);
          return { status: 201, body: { id: this.nextId++, status: req.body.state, ...req.body } };
        },
        listMergeRequestNotes: (req) => {
          const perPage = Number(req.query.get('per_page') ?? 20);
          const page = Number(req.query.get('page') ?? 1);
          const all = this.notes.filter((n) => n.mr === key(req));
          return { status: 200, body: all.slice((page - 1) * perPage, page * perPage) };
        },
        createMergeRequestNote: (req) => {
          const n = { id: this.nextId++, mr: key(req), body: req.body.body, system: false };
          this.notes.push(n);
          return { status: 201, body: n };
        },
        modifyMergeRequestNote: (req) => {
          const n = this.notes.find((x) => x.id === Number(req.params.note_id) && x.mr === key(req));
          if (!n) return { status: 404, body: { message: '404 Not found' } };
          n.body = req.body.body;
          return { status: 200, body: n };
        },
      },
    });
  }

  /** A note GitLab itself wrote (e.g. "added 1 commit"), which may quote text but is never ours. */
  seedNote(project: string, iid: number, body: string, system = false): void {
    this.notes.push({ id: this.nextId++, mr: `${project}#${iid}`, body, system });
  }

  notesOn(project: string, iid: number): Note[] {
    return this.notes.filter((n) => n.mr === `${project}#${iid}`);
  }
}

function key(req: StubRequest): string {
  return `${req.params.id}#${req.params.merge_request_iid}`;
}
