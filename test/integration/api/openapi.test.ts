/**
 * The OpenAPI 3.1 description of the REST API: valid by a maintained OpenAPI validator, served by the daemon,
 * naming every route the routers define, and matching the daemon's real answers (status codes and bodies).
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { OPENAPI_DOCUMENT } from '../../../src/api/openapi.ts';
import type { TestDaemon } from '../../helpers/daemon.ts';
import { OPERATOR_TOKEN, deviceInput, startTestDaemon } from '../../helpers/daemon.ts';

type Doc = {
  paths: Record<string, Record<string, { responses: Record<string, { $ref?: string; content?: Record<string, { schema: object }> }> }>>;
  components: { responses: Record<string, { content: Record<string, { schema: object }> }> };
};
const doc = JSON.parse(JSON.stringify(OPENAPI_DOCUMENT)) as Doc;
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** The routes the routers in src/api/routes define, as documented paths (`:x` -> `{x}`), by method. */
function sourceRoutes(): Array<{ method: string; route: string; file: string }> {
  const dir = fileURLToPath(new URL('../../../src/api/routes/', import.meta.url));
  return readdirSync(dir).flatMap((file) =>
    [...readFileSync(`${dir}${file}`, 'utf8').matchAll(/\br\.(get|post|put|patch|delete)\('([^']+)'/g)].map((m) => ({
      method: m[1]!,
      route: m[2]!.replace(/:(\w+)/g, '{$1}'),
      file,
    })),
  );
}

const documented = (method: string, path: string) => Boolean(doc.paths[path]?.[method]);

describe('REST API: OpenAPI 3.1 document', function () {
  this.timeout(60_000);
  let t: TestDaemon;
  const ajv = new Ajv2020({ strict: false });
  ajv.addSchema({ $id: 'netsync', ...(OPENAPI_DOCUMENT as object) });

  before(async () => {
    t = await startTestDaemon();
  });
  after(() => t?.stop());

  it('documents /metrics as open, or needing the metrics token when alarms.metrics.token is set (not an API token)', async () => {
    const token = 'metrics-scrape-token-0123456789';
    const m = await startTestDaemon({ extra: { alarms: { metrics: { token } } } });
    try {
      const status = async (bearer?: string) => (await fetch(`${m.url}/metrics`, bearer ? { headers: { authorization: `Bearer ${bearer}` } } : {})).status;
      expect([await status(), await status(OPERATOR_TOKEN), await status(token)]).to.deep.equal([401, 401, 200]);
    } finally {
      await m.stop();
    }
    const metrics = OPENAPI_DOCUMENT.paths['/metrics'].get as unknown as { security: object[]; responses: Record<string, unknown> };
    expect(metrics.security).to.deep.equal([{}, { metricsBearer: [] }]);
    expect(metrics.responses).to.have.property('401');
    expect(OPENAPI_DOCUMENT.components.securitySchemes.metricsBearer).to.include({ type: 'http', scheme: 'bearer' });
  });

  it('is a valid OpenAPI 3.1 document (@seriousme/openapi-schema-validator)', async () => {
    const result = await new Validator().validate(JSON.parse(JSON.stringify(OPENAPI_DOCUMENT)));
    expect(result.errors ?? [], JSON.stringify(result.errors)).to.deep.equal([]);
    expect(result.valid).to.equal(true);
  });

  it('is served at /api/v1/openapi.json without a token', async () => {
    const res = await fetch(`${t.url}/api/v1/openapi.json`);
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.equal(JSON.parse(JSON.stringify(OPENAPI_DOCUMENT)));
  });

  it('names every route the routers define, and no route that does not exist', () => {
    const routes = sourceRoutes();
    const missing = routes
      .filter((r) => !documented(r.method, `/api/v1${r.route}`) && !documented(r.method, r.route))
      .map((r) => `${r.method} ${r.route} (${r.file})`);
    expect(missing).to.deep.equal([]);
    const known = new Set(routes.flatMap((r) => [`${r.method} ${r.route}`, `${r.method} /api/v1${r.route}`]));
    const extra = Object.entries(doc.paths).flatMap(([path, ops]) => METHODS.filter((m) => ops[m] && !known.has(`${m} ${path}`)).map((m) => `${m} ${path}`));
    expect(extra).to.deep.equal([]);
  });

  /** Calls the daemon and checks the answer against the document: a documented status, and a body that fits its schema. */
  async function check(method: string, path: string, template: string, body?: unknown, token: string | null = OPERATOR_TOKEN): Promise<number> {
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${t.url}${path}`, { method: method.toUpperCase(), headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const op = doc.paths[template]?.[method];
    expect(op, `${method} ${template} is documented`).to.not.equal(undefined);
    const answer = op!.responses[String(res.status)];
    expect(answer, `${method} ${path} answered ${res.status}, which the document does not list`).to.not.equal(undefined);
    const content = answer!.$ref ? doc.components.responses.Error!.content : answer!.content!;
    const type = (res.headers.get('content-type') ?? '').split(';')[0]!;
    expect(Object.keys(content), `${method} ${path}: content type ${type}`).to.include(type);
    if (type === 'application/json') {
      const schemaRef = answer!.$ref ? 'netsync#/components/schemas/Error' : undefined;
      const validate = schemaRef
        ? ajv.getSchema(schemaRef)!
        : ajv.compile({ $ref: `netsync#/paths/${pointer(template)}/${method}/responses/${res.status}/content/application~1json/schema` });
      const json = await res.json();
      expect(validate(json), `${method} ${path} ${res.status}: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(json)}`).to.equal(true);
    }
    return res.status;
  }
  const pointer = (p: string) => p.replace(/~/g, '~0').replace(/\//g, '~1');

  it("matches the daemon's real answers on every kind of route, errors included", async () => {
    expect(await check('get', '/healthz', '/healthz', undefined, null)).to.equal(200);
    expect(await check('get', '/api/v1/devices', '/api/v1/devices', undefined, null)).to.equal(401);
    expect(await check('post', '/api/v1/devices', '/api/v1/devices', deviceInput('sw-1'))).to.equal(201);
    expect(await check('post', '/api/v1/devices', '/api/v1/devices', deviceInput('SW-1'))).to.equal(409);
    expect(await check('post', '/api/v1/devices', '/api/v1/devices', { hostname: 'x' })).to.equal(400);
    expect(await check('get', '/api/v1/devices', '/api/v1/devices')).to.equal(200);
    expect(await check('get', '/api/v1/devices/sw-1', '/api/v1/devices/{hostname}')).to.equal(200);
    expect(await check('get', '/api/v1/devices/nope', '/api/v1/devices/{hostname}')).to.equal(404);
    expect(await check('patch', '/api/v1/devices/sw-1', '/api/v1/devices/{hostname}', { managementIp: '10.0.0.2' })).to.equal(200);
    expect(await check('get', '/api/v1/devices/sw-1/events', '/api/v1/devices/{hostname}/events')).to.equal(200);
    expect(await check('put', '/api/v1/devices/sw-1/interfaces', '/api/v1/devices/{hostname}/interfaces', { interfaces: [{ name: 'Ethernet1' }] })).to.equal(
      200,
    );
    expect(await check('get', '/api/v1/devices/sw-1/interfaces', '/api/v1/devices/{hostname}/interfaces')).to.equal(200);
    expect(await check('post', '/api/v1/devices/sw-1/unsync', '/api/v1/devices/{hostname}/unsync', { reason: 'check' })).to.equal(200);
    expect(await check('get', '/api/v1/jobs', '/api/v1/jobs')).to.equal(200);
    expect(await check('get', '/api/v1/jobs/nope', '/api/v1/jobs/{id}')).to.equal(404);
    expect(await check('get', '/api/v1/transactions', '/api/v1/transactions')).to.equal(200);
    expect(await check('get', '/api/v1/transactions/nope', '/api/v1/transactions/{id}')).to.equal(404);
    expect(await check('get', '/api/v1/alarms', '/api/v1/alarms')).to.equal(200);
    expect(await check('get', '/api/v1/alarms/nagios', '/api/v1/alarms/nagios')).to.be.oneOf([200, 409, 503]);
    expect(await check('get', '/api/v1/linknets', '/api/v1/linknets')).to.equal(200);
    expect(await check('get', '/api/v1/mgmtdomains', '/api/v1/mgmtdomains')).to.equal(200);
    expect(await check('get', '/api/v1/checks', '/api/v1/checks')).to.equal(200);
    expect(await check('get', '/api/v1/openapi.json', '/api/v1/openapi.json', undefined, null)).to.equal(200);
    expect(await check('get', '/metrics', '/metrics', undefined, null)).to.equal(200); // no alarms.metrics.token: open
    expect(await check('delete', '/api/v1/devices/sw-1', '/api/v1/devices/{hostname}')).to.equal(200);
  });
});
