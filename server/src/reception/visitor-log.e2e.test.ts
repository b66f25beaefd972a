import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import type { VisitView } from '@acs/shared/api/reception';
import type { PersonView } from '@acs/shared/api/people';
import { ManualClock } from '../common/clock.js';
import { type ApiCaller, apiCaller } from '../testing/api-expect.js';
import { startTestServer, type TestServer } from '../testing/server-harness.js';
import { VisitSweeperService } from './visit-sweeper.service.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const DAYS = 90;

/** RFC 4180 rows of the export (quoted fields may hold commas). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const body = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < body.length; i += 1) {
    const c = body[i]!;
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r') continue;
    else if (c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  return rows;
}

describe('visitor log report: 90 days', () => {
  // Site time Asia/Shanghai: day starts at 16:00 UTC; visits start 09:00 local (01:00 UTC).
  const start = Date.UTC(2026, 7, 1, 1, 0, 0);
  const clock = new ManualClock(start);
  let t: TestServer;
  let api: ApiCaller;
  let hostId: string;

  beforeAll(async () => {
    t = await startTestServer({}, { clock });
    api = apiCaller(t);
    const admin = await t.token('admin');
    hostId = (await api.ok<PersonView[]>('GET', '/api/people', admin)).find((p) => p.name.includes('Zhang Wei'))!.id;
    for (const n of [1, 2, 3]) await api.ok('POST', '/api/reception/pool', admin, { cardNumber: `000700000${n}`, label: `P-${n}` });
  });

  afterAll(async () => {
    await t?.close();
  });

  test('every visit in the export has an exit time, and every automatic sign-out a reason', async () => {
    const visits = t.server.app.get(VisitSweeperService);
    let forced = 0;
    for (let day = 0; day < DAYS; day += 1) {
      clock.set(start + day * DAY);
      await visits.sweep(clock.now());
      const guard = await t.token('guard');
      const host = await t.token('zhangwei');
      const today: VisitView[] = [];
      for (const n of [1, 2, 3]) {
        const visit = await api.ok<VisitView>('POST', '/api/visits/walk-in', guard, {
          visitorName: `Visitor ${day}-${n}`,
          hostPersonId: hostId,
          purpose: 'Report test',
          zoneIds: ['office'],
          windowEnd: clock.now() + 8 * HOUR,
          identity: { idDocumentType: 'passport', idNumber: `E${day}${n}0000` },
        });
        await api.ok('POST', `/api/visits/${visit.id}/host-decision`, host, { decision: 'approved' }, 200);
        today.push(await api.ok<VisitView>('POST', `/api/visits/${visit.id}/check-in`, guard, { cardNumber: `000700000${n}` }, 200));
      }
      clock.advance(6 * HOUR);
      // Two leave through the counter; one walks out without signing out (every fifth day none forget).
      await api.ok('POST', `/api/visits/${today[0]!.id}/sign-out`, guard, {}, 200);
      await api.ok('POST', `/api/visits/${today[1]!.id}/sign-out`, guard, {}, 200);
      if (day % 5 === 0) await api.ok('POST', `/api/visits/${today[2]!.id}/sign-out`, guard, {}, 200);
      else forced += 1;
    }
    clock.set(start + DAYS * DAY);
    await visits.sweep(clock.now());

    const admin = await t.token('admin');
    const res = await t.request<string>('GET', `/api/visits/export.csv?from=${start - DAY}&to=${clock.now()}`, { token: admin });
    assert.equal(res.status, 200);
    const rows = parseCsv(typeof res.body === 'string' ? res.body : String(res.body));
    const [header, ...data] = rows;
    assert.equal(data.length, DAYS * 3);
    const col = (name: string) => header!.findIndex((h) => h.startsWith(name));
    const exit = col('Exit');
    const kind = col('Sign-out');
    const reason = col('Reason');
    assert.ok(exit >= 0 && kind >= 0 && reason >= 0, header!.join('|'));
    const noExit = data.filter((r) => !r[exit]);
    assert.deepEqual(noExit, [], 'visits without an exit time');
    const automatic = data.filter((r) => r[kind] === 'End-of-day (automatic)');
    assert.equal(automatic.length, forced);
    assert.deepEqual(
      automatic.filter((r) => !r[reason]),
      [],
      'automatic sign-outs without a reason',
    );
    // Exit times are after entry times, in site time (YYYY-MM-DD HH:mm:ss sorts as text).
    const entry = col('Checked in');
    assert.deepEqual(
      data.filter((r) => r[exit]! < r[entry]!),
      [],
    );
  });
});
