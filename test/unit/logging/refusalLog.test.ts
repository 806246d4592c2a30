import { expect } from 'chai';
import { RefusalLog } from '../../../src/logging/refusalLog.ts';
import type { Logger } from '../../../src/model/ports.ts';
import { until } from '../../helpers/until.ts';

function recorder(lines: { level: string; obj: Record<string, unknown>; msg: string }[]): Logger {
  const at = (level: string) => (obj: object | string, msg?: string) =>
    lines.push({ level, obj: typeof obj === 'string' ? {} : (obj as Record<string, unknown>), msg: msg ?? String(obj) });
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => logger };
  return logger;
}

describe('logging/RefusalLog', () => {
  it('logs the first refusal of a cause at once and the rest of the interval as one counted line', async () => {
    const lines: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
    const log = new RefusalLog(recorder(lines), 50);
    for (let i = 0; i < 1000; i++) log.note('UNAUTHENTICATED', { path: `/p${i}` }, 'the bearer token is not valid');
    log.note('NOT_FOUND', { path: '/x' }, 'no such endpoint');
    expect(lines.map((l) => l.msg)).to.deep.equal(['the bearer token is not valid', 'no such endpoint']);
    await until(() => lines.length === 3, 'the summary line');
    expect(lines[2]!.obj).to.include({ cause: 'UNAUTHENTICATED', refused: 999 });
    expect(lines[2]!.obj.last).to.deep.equal({ path: '/p999' });
    // A cause that went quiet (an interval without it) is logged at once again when it comes back.
    await until(() => !log.counting.includes('NOT_FOUND'), 'the NOT_FOUND interval to close');
    log.note('NOT_FOUND', { path: '/y' }, 'again');
    expect(lines.at(-1)!.msg).to.equal('again');
  });

  it('flush writes what is still counted', () => {
    const lines: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
    const log = new RefusalLog(recorder(lines), 60_000);
    log.note('BAD_REQUEST', {}, 'first');
    log.note('BAD_REQUEST', {}, 'second');
    log.flush();
    expect(lines.map((l) => l.obj.refused ?? l.msg)).to.deep.equal(['first', 1]);
  });
});
