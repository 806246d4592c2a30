/** Every bad input gets a 4xx with a stable code, and the store is byte-for-byte unchanged afterwards. */
import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestDaemon } from '../../helpers/daemon.ts';
import { OPERATOR_TOKEN, deviceInput, removeDir, startTestDaemon } from '../../helpers/daemon.ts';

interface Case {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  status: number;
  code: string;
  /** Text the message must contain, where naming the culprit matters. */
  message?: string;
  /** Send the body as-is with this Content-Type instead of as JSON. */
  contentType?: string;
}

const CASES: Case[] = [
  { name: 'malformed JSON', method: 'POST', path: '/api/v1/devices', body: '{"hostname": "x",', status: 400, code: 'BAD_REQUEST' },
  {
    name: 'unknown field',
    method: 'POST',
    path: '/api/v1/devices',
    body: deviceInput('new-1', { colour: 'blue' }),
    status: 400,
    code: 'UNKNOWN_FIELD',
    message: 'colour',
  },
  {
    name: 'bad IP',
    method: 'POST',
    path: '/api/v1/devices',
    body: deviceInput('new-1', { managementIp: '10.0.0.300' }),
    status: 400,
    code: 'VALIDATION_FAILED',
    message: 'managementIp',
  },
  { name: 'bad hostname', method: 'POST', path: '/api/v1/devices', body: deviceInput('sw 1;rm'), status: 400, code: 'VALIDATION_FAILED', message: 'hostname' },
  { name: 'missing field', method: 'POST', path: '/api/v1/devices', body: { hostname: 'new-1' }, status: 400, code: 'VALIDATION_FAILED' },
  { name: 'port out of range', method: 'POST', path: '/api/v1/devices', body: deviceInput('new-1', { port: 70000 }), status: 400, code: 'VALIDATION_FAILED' },
  { name: 'duplicate in another case', method: 'POST', path: '/api/v1/devices', body: deviceInput('SW-1'), status: 409, code: 'CONFLICT' },
  {
    name: 'body too large',
    method: 'POST',
    path: '/api/v1/devices',
    body: deviceInput('new-1', { platform: 'x'.repeat(2_000_000) }),
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  {
    name: 'wrong state transition',
    method: 'PATCH',
    path: '/api/v1/devices/sw-1',
    body: { state: 'DISCOVERED' },
    status: 409,
    code: 'INVALID_STATE_TRANSITION',
  },
  { name: 'unknown state', method: 'PATCH', path: '/api/v1/devices/sw-1', body: { state: 'BROKEN' }, status: 400, code: 'VALIDATION_FAILED' },
  { name: 'empty patch', method: 'PATCH', path: '/api/v1/devices/sw-1', body: {}, status: 400, code: 'VALIDATION_FAILED' },
  { name: 'hostname rename via patch', method: 'PATCH', path: '/api/v1/devices/sw-1', body: { hostname: 'sw-9' }, status: 400, code: 'UNKNOWN_FIELD' },
  { name: 'unknown device (patch)', method: 'PATCH', path: '/api/v1/devices/sw-9', body: { groups: ['a'] }, status: 404, code: 'NOT_FOUND' },
  { name: 'unknown device (delete)', method: 'DELETE', path: '/api/v1/devices/sw-9', status: 404, code: 'NOT_FOUND' },
  { name: 'unknown device (unsync)', method: 'POST', path: '/api/v1/devices/sw-9/unsync', body: { reason: 'x' }, status: 404, code: 'NOT_FOUND' },
  {
    name: 'unknown nested field',
    method: 'PUT',
    path: '/api/v1/devices/sw-1/interfaces',
    body: { interfaces: [{ name: 'Et1' }, { name: 'Et2', colour: 'x' }] },
    status: 400,
    code: 'UNKNOWN_FIELD',
    message: 'interfaces.1.colour',
  },
  {
    name: 'vlan out of range',
    method: 'PUT',
    path: '/api/v1/devices/sw-1/interfaces',
    body: { interfaces: [{ name: 'Et1', vlan: 5000 }] },
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'duplicate interface',
    method: 'PUT',
    path: '/api/v1/devices/sw-1/interfaces',
    body: { interfaces: [{ name: 'Et1' }, { name: 'et1' }] },
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  { name: 'blank unsync reason', method: 'POST', path: '/api/v1/devices/sw-1/unsync', body: { reason: '   ' }, status: 400, code: 'VALIDATION_FAILED' },
  {
    name: 'linknet to unknown device',
    method: 'POST',
    path: '/api/v1/linknets',
    body: { deviceA: 'sw-1', interfaceA: 'a', deviceB: 'nope', interfaceB: 'b' },
    status: 404,
    code: 'NOT_FOUND',
  },
  {
    name: 'linknet to itself',
    method: 'POST',
    path: '/api/v1/linknets',
    body: { deviceA: 'sw-1', interfaceA: 'a', deviceB: 'SW-1', interfaceB: 'b' },
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'linknet bad CIDR',
    method: 'POST',
    path: '/api/v1/linknets',
    body: { deviceA: 'sw-1', interfaceA: 'a', deviceB: 'dist-1', interfaceB: 'b', ipv4Network: '10.0.0.1/40' },
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  { name: 'unknown linknet', method: 'DELETE', path: '/api/v1/linknets/nope', status: 404, code: 'NOT_FOUND' },
  {
    name: 'mgmtdomain bad CIDR',
    method: 'POST',
    path: '/api/v1/mgmtdomains',
    body: { name: 'm', ipv4Network: '10.0.0.0/33', ipv4Gateway: '10.0.0.1', vlan: 10, deviceA: 'sw-1', deviceB: 'dist-1' },
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'mgmtdomain gateway outside',
    method: 'POST',
    path: '/api/v1/mgmtdomains',
    body: { name: 'm', ipv4Network: '10.0.0.0/24', ipv4Gateway: '10.0.1.1', vlan: 10, deviceA: 'sw-1', deviceB: 'dist-1' },
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'ztp neighbour unknown',
    method: 'POST',
    path: '/api/v1/devices/dist-1/ztp-neighbors',
    body: { neighbors: ['sw-1', 'ghost'] },
    status: 404,
    code: 'NOT_FOUND',
  },
  { name: 'bad filter value', method: 'GET', path: '/api/v1/devices?synchronized=maybe', status: 400, code: 'VALIDATION_FAILED' },
  { name: 'unknown filter', method: 'GET', path: '/api/v1/devices?colour=blue', status: 400, code: 'UNKNOWN_FIELD' },
  { name: 'bad events filter', method: 'GET', path: '/api/v1/devices/sw-1/events?open=yes', status: 400, code: 'VALIDATION_FAILED' },
  { name: 'unknown events filter', method: 'GET', path: '/api/v1/devices/sw-1/events?limit=5', status: 400, code: 'UNKNOWN_FIELD' },
  { name: 'path not valid percent-encoding', method: 'GET', path: '/api/v1/devices/%ZZ', status: 400, code: 'BAD_REQUEST' },
  {
    name: 'body not sent as JSON',
    method: 'POST',
    path: '/api/v1/devices',
    body: 'hostname=new-1',
    contentType: 'application/x-www-form-urlencoded',
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'JSON body sent as text/plain',
    method: 'PATCH',
    path: '/api/v1/devices/sw-1',
    body: '{"groups":["a"]}',
    contentType: 'text/plain',
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  { name: 'unknown endpoint', method: 'GET', path: '/api/v1/nothing-here', status: 404, code: 'NOT_FOUND' },
  {
    name: 'import with one bad entry',
    method: 'POST',
    path: '/api/v1/devices/import',
    body: { devices: [deviceInput('new-1'), deviceInput('new 2')] },
    status: 400,
    code: 'VALIDATION_FAILED',
  },
];

describe('API bad input', () => {
  let t: TestDaemon;
  let storeBefore: string;

  before(async () => {
    t = await startTestDaemon();
    await t.call('POST', '/api/v1/devices', deviceInput('sw-1'));
    await t.call('POST', '/api/v1/devices', deviceInput('dist-1', { type: 'DIST' }));
    await t.daemon.syncStatus.markSynced(['sw-1', 'dist-1'], { by: 'test' });
    storeBefore = await readFile(join(t.dir, 'store.json'), 'utf8');
  });
  after(async () => {
    await t.stop();
    await removeDir(t.dir);
  });

  async function sendRaw(c: Case): Promise<{ status: number; body: any }> {
    const res = await fetch(`${t.url}${c.path}`, {
      method: c.method,
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': c.contentType! },
      body: String(c.body),
    });
    return { status: res.status, body: await res.json() };
  }

  for (const c of CASES) {
    it(`${c.name}: ${c.method} ${c.path} -> ${c.status} ${c.code}, nothing changed`, async () => {
      const res = c.contentType ? await sendRaw(c) : await t.call(c.method, c.path, c.body);
      expect(res.status).to.equal(c.status);
      expect(res.body.error.code).to.equal(c.code);
      expect(res.body.error.message).to.be.a('string').with.length.above(0);
      if (c.message) expect(res.body.error.message).to.contain(c.message);
      expect(await readFile(join(t.dir, 'store.json'), 'utf8')).to.equal(storeBefore);
    });
  }

  it('a POST with no body at all (Content-Length: 0, no type, as curl -X POST sends) is judged on its fields, not refused as 415', async () => {
    const res = await fetch(`${t.url}/api/v1/devices`, { method: 'POST', headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-length': '0' } });
    expect(res.status).to.equal(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).to.equal('VALIDATION_FAILED');
    expect(await readFile(join(t.dir, 'store.json'), 'utf8')).to.equal(storeBefore);
  });
});
