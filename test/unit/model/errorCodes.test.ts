/** The closed error-code registry: every code's entry is complete, and status, exit code and session loss derive from it. */
import { expect } from 'chai';
import { ERROR_CODES, errorInfo, exitCodeOf, isErrorCode, isSessionLost } from '../../../src/model/errorCodes.ts';
import { NetsyncError } from '../../../src/model/errors.ts';

describe('error code registry', () => {
  it('gives every code an HTTP status, an RFC 6241 error-tag and a one-line summary', () => {
    for (const [code, info] of Object.entries(ERROR_CODES)) {
      expect(code, code).to.match(/^[A-Z][A-Z0-9_]+$/);
      expect(info.http, code).to.be.within(400, 599);
      expect(info.rpcErrorTag, code).to.match(/^[a-z-]+$/);
      expect(info.summary, code).to.match(/^\S.*\.$/);
      expect(info.summary.split('\n'), code).to.have.length(1);
    }
  });

  it('derives the HTTP status of a NetsyncError from the registry', () => {
    expect(new NetsyncError('NOT_FOUND', 'x').httpStatus).to.equal(404);
    expect(new NetsyncError('DEVICE_LOCKED', 'x').httpStatus).to.equal(409);
    expect(new NetsyncError('NETCONF_TIMEOUT', 'x').httpStatus).to.equal(502);
    expect(new NetsyncError('INTERNAL', 'x').httpStatus).to.equal(500);
  });

  it('tells a lost session from a device refusing something', () => {
    const lost = Object.keys(ERROR_CODES).filter(isSessionLost).sort();
    expect(lost).to.deep.equal(['CLI_CLOSED', 'CLI_TIMEOUT', 'DEVICE_UNREACHABLE', 'NETCONF_CLOSED', 'NETCONF_TIMEOUT']);
    expect(isSessionLost('NETCONF_RPC_ERROR')).to.equal(false);
  });

  it('maps failures to CLI exit codes: 2 for input the user can fix, 1 otherwise', () => {
    expect(exitCodeOf('VALIDATION_FAILED')).to.equal(2);
    expect(exitCodeOf('NOT_FOUND')).to.equal(2);
    expect(exitCodeOf('CONFIG_INVALID')).to.equal(2);
    expect(exitCodeOf('UNAUTHENTICATED')).to.equal(1);
    expect(exitCodeOf('FORBIDDEN')).to.equal(1);
    expect(exitCodeOf('DEVICE_UNREACHABLE')).to.equal(1);
  });

  it('reads a code it does not know (from a newer daemon) as INTERNAL', () => {
    expect(isErrorCode('SOMETHING_NEW')).to.equal(false);
    expect(isErrorCode('toString')).to.equal(false);
    expect(errorInfo('SOMETHING_NEW')).to.equal(ERROR_CODES.INTERNAL);
  });
});
