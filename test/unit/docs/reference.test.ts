/** The checked-in reference pages are what `npm run docs` generates from the code now (schemas, CLI, error codes, metrics, REST API). */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { referencePages } from '../../../scripts/docs.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const pages = await referencePages();

describe('docs: generated reference', () => {
  for (const [path, text] of Object.entries(pages)) {
    it(`${path} is current (run npm run docs after changing what it documents)`, () => {
      expect(readFileSync(`${root}${path}`, 'utf8') === text, `${path} is stale: run npm run docs`).to.equal(true);
    });
  }

  it('lists every registered error code and every metric', () => {
    expect(pages['docs/reference/errors.md']).to.contain('`COMMIT_NOT_APPLIED`').and.contain('`NETCONF_FRAMING`');
    expect(pages['docs/reference/metrics.md']).to.contain('`netsync_devices_unsynchronized`');
    expect(pages['docs/reference/configuration.md']).to.contain('`devices.confirmTimeoutSeconds`');
    expect(pages['docs/reference/cli.md']).to.contain('## `check-unsynced`');
    expect(pages['docs/reference/rest-api.md']).to.contain('| POST | `/api/v1/syncto` | operator | JSON | 202 |');
  });
});
