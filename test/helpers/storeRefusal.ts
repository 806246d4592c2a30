/** The NetsyncError a store call is refused with; the test fails when the call succeeds or throws anything else. */
import { expect } from 'chai';
import { NetsyncError } from '../../src/model/errors.ts';

export async function refusal(p: Promise<unknown>): Promise<NetsyncError> {
  try {
    await p;
  } catch (err) {
    expect(err).to.be.instanceOf(NetsyncError);
    return err as NetsyncError;
  }
  throw new Error('expected the store to refuse');
}

/** The code of that refusal. */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  return (await refusal(p)).code;
}
