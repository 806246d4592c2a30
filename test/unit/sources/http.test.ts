import { expect } from 'chai';
import { httpCall } from '../../../src/sources/http.ts';
import { NetsyncError } from '../../../src/model/errors.ts';

describe('sources/httpCall', () => {
  it('never repeats a password from the URL in its error', async () => {
    let err: unknown;
    try {
      await httpCall({ source: 'bss', method: 'GET', url: 'http://ops:hunter2-secret@127.0.0.1:9/api', headers: {}, timeoutMs: 1000 });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(NetsyncError);
    expect((err as NetsyncError).code).to.equal('SOURCE_UNAVAILABLE');
    expect(JSON.stringify({ message: (err as Error).message, data: (err as NetsyncError).data })).to.not.contain('hunter2');
  });
});
