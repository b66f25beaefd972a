import { useState } from 'react';
import { Button, Card, Input, Space, Table, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined, SaveOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { HolidayView, SiteView } from '@acs/shared/api/site';
import { useMutations } from '../../api/query';
import { siteApi, siteKeys } from '../../api/site';
import { useAction } from '../../components/admin-kit';
import { useResetState } from '../../components/reset-state';

/** The site's holiday calendar (dates in the site time zone, with names), edited as a whole. */
export function HolidayCalendar({ site, editable }: { site: SiteView | undefined; editable: boolean }) {
  const { t } = useTranslation();
  const run = useAction();
  const changes = useMutations(siteApi, [siteKeys.site]);
  // Edits start over from the site each time it is loaded.
  const [rows, setRows] = useResetState<HolidayView[]>(() => site?.holidays ?? [], [site]);
  const [date, setDate] = useState('');
  const [name, setName] = useState('');

  const add = () => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !name.trim()) return;
    setRows((current) =>
      [...current.filter((h) => h.date !== date), { date, name: name.trim() }].sort((a, b) => a.date.localeCompare(b.date)),
    );
    setDate('');
    setName('');
  };
  const save = async () => {
    await run(() => changes.update({ holidays: rows }), t('admin.saved'));
  };

  return (
    <Card size="small" className="list-card" title={t('holidayAdmin.title')} data-testid="holiday-calendar">
      <Typography.Paragraph type="secondary">{t('holidayAdmin.hint', { timeZone: site?.timeZone ?? '' })}</Typography.Paragraph>
      <Table<HolidayView>
        size="small"
        rowKey="date"
        dataSource={rows}
        pagination={false}
        locale={{ emptyText: t('common.noData') }}
        onRow={(h) => ({ 'data-testid': 'holiday-row', 'data-date': h.date }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          {
            key: 'date',
            title: t('holidayAdmin.date'),
            dataIndex: 'date',
            width: 140,
            render: (d: string) => <span className="mono">{d}</span>,
          },
          { key: 'name', title: t('holidayAdmin.name'), dataIndex: 'name' },
          ...(editable
            ? [
                {
                  key: 'actions',
                  width: 60,
                  render: (_: unknown, h: HolidayView) => (
                    <Button
                      size="small"
                      type="text"
                      danger
                      icon={<DeleteOutlined />}
                      aria-label={t('admin.delete')}
                      onClick={() => setRows((r) => r.filter((x) => x.date !== h.date))}
                    />
                  ),
                },
              ]
            : []),
        ]}
      />
      {editable && (
        <Space wrap className="holiday-add">
          <Input
            placeholder="YYYY-MM-DD"
            value={date}
            onChange={(e) => setDate(e.target.value)}
            style={{ width: 130 }}
            className="mono"
            data-testid="holiday-date"
          />
          <Input
            placeholder={t('holidayAdmin.name')}
            value={name}
            onChange={(e) => setName(e.target.value)}
            style={{ width: 220 }}
            data-testid="holiday-name"
          />
          <Button icon={<PlusOutlined />} onClick={add} data-testid="holiday-add">
            {t('holidayAdmin.add')}
          </Button>
          <Button type="primary" icon={<SaveOutlined />} onClick={save} data-testid="holiday-save">
            {t('holidayAdmin.save')}
          </Button>
        </Space>
      )}
    </Card>
  );
}
