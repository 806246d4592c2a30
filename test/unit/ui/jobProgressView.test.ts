/** The job page's per-device rows speak the engine's rollback vocabulary: 'not-needed' says nothing, anything else is shown. */
import { expect } from 'chai';
import { createViewEnv } from '../../../src/ui/viewEnv.ts';
import type { Job } from '../../../src/model/job.ts';

function job(perDevice: Job['perDevice']): Job {
  const devices = Object.keys(perDevice);
  return {
    id: 'j1',
    kind: 'syncto',
    status: 'FINISHED',
    args: { devices },
    by: 'test',
    progress: { done: devices.length, total: devices.length },
    perDevice,
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

describe('ui: the job progress view', () => {
  const env = createViewEnv(() => new Date('2026-01-01T00:01:00.000Z'));

  it("shows a rollback only when one happened (not for 'not-needed')", () => {
    const html = env.render('job-progress.njk', {
      job: job({
        'sw-ok': { status: 'synced', rollbackStatus: 'not-needed' },
        'sw-undone': { status: 'failed', error: 'not committed: another device of the transaction failed', rollbackStatus: 'complete' },
        'sw-stuck': { status: 'failed', error: 'validation failed', code: 'NETCONF_RPC_ERROR', phase: 'validate', rollbackStatus: 'fail' },
      }),
    });
    const row = (host: string) => html.slice(html.indexOf(`data-hostname="${host}"`), html.indexOf('</tr>', html.indexOf(`data-hostname="${host}"`)));
    expect(row('sw-ok')).not.to.contain('rollback');
    expect(row('sw-undone')).to.contain('rollback complete');
    expect(row('sw-stuck')).to.contain('rollback fail');
  });
});
