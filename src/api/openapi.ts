/**
 * The REST API as an OpenAPI 3.1 document, served at /api/v1/openapi.json. test/integration/api/openapi.test.ts
 * validates it with an OpenAPI validator, checks that it names every route the daemon serves, and checks the
 * daemon's real answers (status codes and bodies) against it. The guide is docs/guides/rest-api.md.
 */
import { VERSION } from '../version.ts';

type Schema = Record<string, unknown>;
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const obj = (properties: Record<string, Schema>, required: string[] = Object.keys(properties)): Schema => ({ type: 'object', properties, required });
const arrayOf = (items: Schema): Schema => ({ type: 'array', items });
const json = (schema: Schema) => ({ content: { 'application/json': { schema } } });
const text = { content: { 'text/plain': { schema: { type: 'string' } } } };
const ANY = { type: 'object' };

/** Error answers every operation can give (bad input, auth, missing things, conflicts, busy). */
const ERRORS = {
  '400': { $ref: '#/components/responses/Error' },
  '401': { $ref: '#/components/responses/Error' },
  '403': { $ref: '#/components/responses/Error' },
  '404': { $ref: '#/components/responses/Error' },
  '409': { $ref: '#/components/responses/Error' },
  '413': { $ref: '#/components/responses/Error' },
  '415': { $ref: '#/components/responses/Error' },
  '500': { $ref: '#/components/responses/Error' },
  '502': { $ref: '#/components/responses/Error' },
  '503': { $ref: '#/components/responses/Error' },
};

function op(summary: string, responses: Record<string, Schema | typeof text>, extra: Schema = {}): Schema {
  const answers = Object.fromEntries(
    Object.entries(responses).map(([status, body]) => [status, { description: summary, ...('content' in body ? body : json(body)) }]),
  );
  return { summary, ...extra, responses: { ...ERRORS, ...answers } };
}
const body = (schema: Schema = ANY) => ({ requestBody: { required: true, ...json(schema) } });
const path = (...names: string[]) => ({ parameters: names.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })) });

const DEVICE = obj({
  hostname: { type: 'string' },
  managementIp: { type: 'string' },
  port: { type: 'integer' },
  platform: { type: 'string' },
  type: { type: 'string' },
  state: { type: 'string' },
  synchronized: { type: 'boolean' },
});
const JOB = obj({
  id: { type: 'string' },
  kind: { type: 'string' },
  status: { enum: ['SCHEDULED', 'RUNNING', 'FINISHED', 'FAILED', 'ABORTED'] },
  perDevice: { type: 'object' },
  progress: { type: 'object' },
});

export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'netsync REST API',
    version: VERSION,
    description: 'GitOps daemon for network device configuration. Errors carry a stable code (docs/reference/errors.md).',
  },
  servers: [{ url: '/' }],
  security: [{ bearer: [] }],
  components: {
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer', description: 'An API token (api.tokens); its role decides what it may do.' },
      metricsBearer: {
        type: 'http',
        scheme: 'bearer',
        description: 'The scrape token in alarms.metrics.token, separate from the API tokens (an API token is refused). Needed only when that token is set.',
      },
    },
    schemas: {
      Error: obj({ error: obj({ code: { type: 'string' }, message: { type: 'string' }, data: { type: 'object' } }, ['code', 'message']) }),
      Device: DEVICE,
      Job: JOB,
    },
    responses: { Error: { description: 'A failure with a stable code', ...json(ref('Error')) } },
  },
  paths: {
    '/healthz': {
      get: op(
        'Liveness: version, store backend and migration, this replica and whether it leads (503 while the store is unreachable)',
        {
          '200': obj({
            status: { const: 'ok' },
            version: { type: 'string' },
            store: { type: 'string' },
            replica: { type: 'string' },
            leader: { type: 'boolean' },
          }),
          '503': obj({
            status: { const: 'unavailable' },
            store: { type: 'string' },
            problem: { type: 'string' },
            replica: { type: 'string' },
            leader: { type: 'boolean' },
          }),
        },
        { security: [] },
      ),
    },
    // Open unless alarms.metrics.token is set, then that token only (src/api/routes/metrics.ts): `{}` is the open
    // alternative. Not served at all with alarms.metrics.enabled false.
    '/metrics': {
      get: op(
        'Prometheus metrics (docs/reference/metrics.md)',
        { '200': text },
        {
          description:
            'Open by default; with alarms.metrics.token set, only that bearer token is let in (401 otherwise). Absent (404) with alarms.metrics.enabled false.',
          security: [{}, { metricsBearer: [] }],
        },
      ),
    },
    '/api/v1/openapi.json': { get: op('This document', { '200': obj({ openapi: { const: '3.1.0' } }) }, { security: [] }) },
    '/checks/{id}': {
      get: {
        ...op('The HTML page of a PR check (public)', { '200': { content: { 'text/html': { schema: { type: 'string' } } } } }, { security: [] }),
        ...path('id'),
      },
    },
    '/webhooks/{provider}': {
      post: { ...op('Git host webhook (HMAC-signed; github, gitea or gitlab)', { '200': ANY, '202': ANY }, { security: [] }), ...path('provider') },
    },
    '/api/v1/devices': {
      get: op('Devices, filtered by synchronized, state, type, group', { '200': obj({ devices: arrayOf(ref('Device')) }) }),
      post: op('Add a device', { '201': obj({ device: ref('Device') }) }, body()),
    },
    '/api/v1/devices/import': { post: op('Add the devices of an inventory', { '200': ANY }, body()) },
    '/api/v1/devices/{hostname}': {
      ...path('hostname'),
      get: op('One device', { '200': obj({ device: ref('Device') }) }),
      patch: op('Change a device', { '200': obj({ device: ref('Device') }) }, body()),
      delete: op('Remove a device', { '200': ANY }),
    },
    '/api/v1/devices/{hostname}/events': {
      ...path('hostname'),
      get: op('Why the device is unsynchronized: its sync events', { '200': obj({ events: arrayOf(ANY) }) }),
    },
    '/api/v1/devices/{hostname}/interfaces': {
      ...path('hostname'),
      get: op("The device's interfaces", { '200': ANY }),
      put: op("Replace the device's interfaces", { '200': ANY }, body()),
    },
    '/api/v1/devices/{hostname}/interfaces/{name}/bounce': { ...path('hostname', 'name'), post: op('Bounce an interface on the device', { '200': ANY }) },
    '/api/v1/devices/{hostname}/upgrade/post-flight': { ...path('hostname'), post: op('Mark the device unsynchronized after an upgrade', { '200': ANY }) },
    '/api/v1/devices/{hostname}/ztp-neighbors': { ...path('hostname'), post: op('Record ZTP neighbors', { '200': ANY }, body()) },
    '/api/v1/devices/{hostname}/unsync': { ...path('hostname'), post: op('Mark the device unsynchronized by hand', { '200': ANY }, body()) },
    '/api/v1/syncto': { post: op('Start a syncto job', { '202': obj({ job_id: { type: 'string' }, job: ref('Job') }) }, body()) },
    '/api/v1/jobs': { get: op('The newest jobs', { '200': obj({ jobs: arrayOf(ref('Job')) }) }) },
    '/api/v1/jobs/{id}': { ...path('id'), get: op('One job', { '200': obj({ job: ref('Job') }) }) },
    '/api/v1/jobs/{id}/abort': { ...path('id'), post: op('Abort a job', { '202': obj({ job: ref('Job') }) }) },
    '/api/v1/transactions': {
      get: op('Transactions', { '200': obj({ transactions: arrayOf(ANY) }) }),
      post: op('Stage a transaction', { '201': obj({ transaction: ANY }) }, body()),
    },
    '/api/v1/transactions/{id}': {
      ...path('id'),
      get: op('One transaction', { '200': obj({ transaction: ANY }) }),
      delete: op('Drop a staged transaction', { '200': ANY }),
    },
    '/api/v1/transactions/{id}/commit': { ...path('id'), post: op('Commit a staged transaction', { '200': ANY, '202': ANY }) },
    '/api/v1/repositories': { get: op('Tracked repositories and their commits', { '200': ANY }) },
    '/api/v1/repositories/{name}/refresh': { ...path('name'), post: op('Fetch a repository now', { '200': ANY, '202': ANY }) },
    '/api/v1/alarms': { get: op('The unsynced alarm report', { '200': ANY }) },
    '/api/v1/alarms/nagios': { get: op('The alarm as Nagios plugin output (HTTP status by state)', { '200': text, '409': text, '500': text, '503': text }) },
    '/api/v1/linknets': { get: op('Linknets', { '200': ANY }), post: op('Add a linknet', { '201': ANY }, body()) },
    '/api/v1/linknets/{id}': { ...path('id'), delete: op('Remove a linknet', { '200': ANY }) },
    '/api/v1/mgmtdomains': { get: op('Management domains', { '200': ANY }), post: op('Add a management domain', { '201': ANY }, body()) },
    '/api/v1/mgmtdomains/{id}': {
      ...path('id'),
      put: op('Change a management domain', { '200': ANY }, body()),
      delete: op('Remove a management domain', { '200': ANY }),
    },
    '/api/v1/inventory/sync': {
      get: op('The last inventory synchronization report', { '200': ANY }),
      post: op('Synchronize the inventory with NSO, NetBox and the BSS', { '200': ANY, '202': ANY }, body()),
    },
    '/api/v1/checks': { get: op('PR check records', { '200': ANY }) },
    '/api/v1/checks/{id}': { ...path('id'), get: op('One PR check record', { '200': ANY }) },
  },
} as const;
