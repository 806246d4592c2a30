/** A repo whose head netsync rejected alarms like an unsynchronized device, with the same thresholds. */
import { expect } from 'chai';
import { DEFAULT_THRESHOLDS, evaluateUnsynced } from '../../../src/alarms/evaluate.ts';
import type { RejectedHead } from '../../../src/alarms/evaluate.ts';
import { pluginResult } from '../../../src/alarms/nagiosPlugin.ts';
import type { NotificationTarget } from '../../../src/alarms/notifications.ts';
import { REPO_ALERT_NAME, alertmanagerBody, planEvents } from '../../../src/alarms/notifications.ts';
import { repoStatus } from '../../../src/intake/repoStatus.ts';
import type { RepoEvent } from '../../../src/intake/repoState.ts';
import { NOW, ago } from './fixtures.ts';

const head = (ageSeconds: number): RejectedHead => ({
  repo: 'settings',
  head: 'a'.repeat(40),
  knownGood: 'b'.repeat(40),
  since: ago(ageSeconds),
  problems: ['access/x.yml: bad'],
});
const target: NotificationTarget = { name: 'am', url: 'http://127.0.0.1:1/', kind: 'alertmanager', level: 'critical', reminderSeconds: 3600, headers: {} };

describe('alarms: rejected repo heads', () => {
  it('is OK under the warning threshold, CRITICAL past the critical one (1h by default), with the repo named', () => {
    expect(evaluateUnsynced([], DEFAULT_THRESHOLDS, NOW, [head(60)]).state).to.equal('OK');
    const report = evaluateUnsynced([], DEFAULT_THRESHOLDS, NOW, [head(3700)]);
    expect(report.state).to.equal('CRITICAL');
    expect(report.rejectedRepos[0]).to.include({ repo: 'settings', level: 'critical', ageSeconds: 3700 });
    const text = pluginResult(report).text;
    expect(text.split('\n')[0]).to.match(
      /^UNSYNCED CRITICAL - all 0 managed devices synchronized; repo settings head aaaaaaaa rejected for 1h[^,]*, known-good bbbbbbbb in force \| .* rejected_repos=1;;;0$/,
    );
    expect(text.split('\n')[1]).to.match(/^repo settings head aaaaaaaa rejected for 1h[^,]*, known-good bbbbbbbb in force \(CRITICAL\): access\/x\.yml: bad$/);
  });

  it('notifies once (de-duplicated like a device) with its own Alertmanager alert name, and resolves when accepted', () => {
    const report = evaluateUnsynced([], DEFAULT_THRESHOLDS, NOW, [head(3700)]);
    const events = planEvents(target, report, [], NOW);
    expect(events).to.have.length(1);
    expect(events[0]).to.include({ status: 'firing', reason: 'new', hostname: 'repo:settings', cause: 'head_rejected' });
    expect(alertmanagerBody(events, target, NOW)[0]!.labels).to.deep.equal({
      alertname: REPO_ALERT_NAME,
      repo: 'settings',
      severity: 'critical',
      service: 'netsync',
    });
    const sent = [
      {
        id: 'am|repo:settings',
        target: 'am',
        hostname: 'repo:settings',
        level: 'critical' as const,
        since: head(3700).since,
        firstSentAt: NOW.toISOString(),
        lastSentAt: NOW.toISOString(),
      },
    ];
    expect(planEvents(target, report, sent, NOW)).to.deep.equal([]);
    const accepted = planEvents(target, evaluateUnsynced([], DEFAULT_THRESHOLDS, NOW, []), sent, NOW);
    expect(accepted[0]).to.include({ status: 'resolved', hostname: 'repo:settings' });
  });

  it("a repo's status: rejected since the first of the latest run of rejected pushes, with the latest problems", () => {
    const ev = (kind: RepoEvent['kind'], at: string, problems: string[] = []): RepoEvent => ({
      id: at,
      repo: 'settings',
      kind,
      at,
      trigger: 't',
      before: null,
      after: null,
      commits: 1,
      marked: [],
      unchanged: [],
      problems,
    });
    const events = [ev('applied', '2026-01-01T00:00:00Z'), ev('rejected', '2026-01-01T01:00:00Z', ['old']), ev('rejected', '2026-01-01T02:00:00Z', ['new'])];
    const s = repoStatus('settings', { lastProcessed: 'c', knownGood: 'k', updatedAt: '2026-01-01T02:00:00Z' }, events);
    expect(s).to.include({ rejected: true, rejectedSince: '2026-01-01T01:00:00Z', head: 'c', knownGood: 'k' });
    expect(s.problems).to.deep.equal(['new']);
    expect(repoStatus('settings', { lastProcessed: 'k', knownGood: 'k', updatedAt: '' }, events)).to.include({ rejected: false, rejectedSince: null });
  });
});
