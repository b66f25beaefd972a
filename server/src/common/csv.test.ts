import { describe, test } from '@jest/globals';
import assert from '@acs/shared/testing/assert';
import { formatSiteTime, toCsv } from './csv.js';

describe('CSV exports', () => {
  test('quote commas, quotes and line breaks; start with a BOM; end lines with CRLF', () => {
    const csv = toCsv(
      ['name', 'note'],
      [
        ['张伟, Zhang Wei', 'said "hi"\nthen left'],
        ['Li', null],
      ],
    );
    assert.equal(csv, '\uFEFFname,note\r\n"张伟, Zhang Wei","said ""hi""\nthen left"\r\nLi,\r\n');
  });

  test('a cell that would start a spreadsheet formula is made inert', () => {
    assert.equal(toCsv(['x'], [['=HYPERLINK("http://evil")'], ['-1']]), '\uFEFFx\r\n"\'=HYPERLINK(""http://evil"")"\r\n\'-1\r\n');
  });

  test('times are written in the site time zone', () => {
    assert.equal(formatSiteTime(Date.UTC(2026, 0, 5, 9, 0, 0), 'Asia/Shanghai'), '2026-01-05 17:00:00');
    assert.equal(formatSiteTime(Date.UTC(2026, 0, 5, 9, 0, 0), 'UTC'), '2026-01-05 09:00:00');
    assert.equal(formatSiteTime(null, 'UTC'), '');
  });
});
