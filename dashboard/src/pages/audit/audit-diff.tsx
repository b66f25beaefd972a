import type { HTMLAttributes } from 'react';
import { Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AuditEntryView } from '@acs/shared/api/audit';
import { useDateFormatters, type DateFormatters } from '../../format/date-format';

interface DiffRow {
  field: string;
  before: unknown;
  after: unknown;
  changed: boolean;
}

const TIME_FIELD = /(At|From|Until)$/;

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Every field of the record before and after, changed fields first. */
export function diffRows(entry: Pick<AuditEntryView, 'before' | 'after'>): DiffRow[] {
  const before = entry.before ?? {};
  const after = entry.after ?? {};
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const rows = fields.map((field) => {
    const b = entry.before ? (field in before ? before[field] : undefined) : undefined;
    const a = entry.after ? (field in after ? after[field] : undefined) : undefined;
    return { field, before: b, after: a, changed: !same(b, a) };
  });
  return [...rows.filter((r) => r.changed), ...rows.filter((r) => !r.changed)];
}

function show(value: unknown, field: string, formats: DateFormatters): string {
  if (value === undefined) return '—';
  if (value === null) return 'null';
  if (typeof value === 'number' && TIME_FIELD.test(field) && value > 1e12) return formats.dateTime(value);
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The record before and after a change, side by side, changed fields highlighted. */
export function AuditDiff({ entry }: { entry: AuditEntryView }) {
  const { t } = useTranslation();
  const formats = useDateFormatters();
  const rows = diffRows(entry);
  if (rows.length === 0) {
    return <Typography.Text type="secondary">{t('audit.noRecord')}</Typography.Text>;
  }
  return (
    <Table<DiffRow>
      size="small"
      rowKey="field"
      pagination={false}
      data-testid="audit-diff"
      dataSource={rows}
      rowClassName={(row) => (row.changed ? 'audit-changed' : '')}
      onRow={(row) =>
        ({ 'data-testid': 'audit-diff-row', 'data-field': row.field, 'data-changed': String(row.changed) }) as HTMLAttributes<HTMLElement>
      }
      columns={[
        {
          key: 'field',
          title: t('audit.field'),
          dataIndex: 'field',
          width: 200,
          render: (field: string) => <span className="mono">{field}</span>,
        },
        {
          key: 'before',
          title: t('audit.before'),
          render: (_, row) => <span className="mono audit-before">{show(row.before, row.field, formats)}</span>,
        },
        {
          key: 'after',
          title: t('audit.after'),
          render: (_, row) => <span className="mono audit-after">{show(row.after, row.field, formats)}</span>,
        },
      ]}
    />
  );
}
