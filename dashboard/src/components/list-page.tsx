import { useMemo, useState, type HTMLAttributes, type Key, type ReactNode } from 'react';
import { Alert, Button, Card, Input, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { ReloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { UseQueryResult } from '@tanstack/react-query';
import { useResetState } from './reset-state';

export interface ListPageProps<T extends { id: string }> {
  title: string;
  /** `page-<testId>` on the page, `<testId>-row` with `data-id` on each row. */
  testId: string;
  /** The rows' query (useQuery), or one shaped from it, e.g. filtered. */
  query: Pick<UseQueryResult<T[]>, 'data' | 'error' | 'isFetching' | 'refetch'>;
  columns: ColumnsType<T>;
  searchPlaceholder: string;
  /** The text a search matches against (case-insensitive). */
  searchText: (row: T) => string;
  /** Shapes rows for display, e.g. into a tree when nothing is being searched. */
  arrange?: (rows: T[], searching: boolean) => T[];
  expandAll?: boolean;
  /** Buttons beside the search box (e.g. "New zone" for admins). */
  tools?: ReactNode;
  /** Shown above the table: rules that explain the page, results of the last action. */
  header?: ReactNode;
  /** Rendered after the card: the page's dialogs. */
  children?: ReactNode;
  /** Extra attributes of each row, beside `data-testid` and `data-id`. */
  rowAttributes?: (row: T) => Record<string, string>;
}

/** A read-only, searchable list of one kind of record; the admin pages grow from it. */
export function ListPage<T extends { id: string }>(props: ListPageProps<T>) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const { data, error, isFetching: loading, refetch } = props.query;
  const { searchText, arrange } = props;
  const needle = search.trim().toLowerCase();

  const rows = useMemo(() => {
    const all = data ?? [];
    const filtered = needle ? all.filter((row) => searchText(row).toLowerCase().includes(needle)) : all;
    return arrange ? arrange(filtered, needle !== '') : filtered;
  }, [data, needle, searchText, arrange]);

  // Trees open fully on each load; the user may then fold branches.
  const [expanded, setExpanded] = useResetState<readonly Key[]>(
    () => (props.expandAll && data ? data.map((row) => row.id) : []),
    [data, props.expandAll],
  );

  return (
    <Card
      size="small"
      className="list-card"
      data-testid={`page-${props.testId}`}
      title={
        <span>
          {props.title}
          {data && (
            <Typography.Text type="secondary" className="list-count">
              {t('common.total', { count: data.length })}
            </Typography.Text>
          )}
        </span>
      }
      extra={
        <div className="list-tools">
          {props.tools}
          <Input.Search
            allowClear
            placeholder={props.searchPlaceholder}
            onChange={(event) => setSearch(event.target.value)}
            className="list-search"
            data-testid="list-search"
          />
          <Button icon={<ReloadOutlined />} onClick={() => void refetch()} loading={loading && data !== undefined}>
            {t('common.refresh')}
          </Button>
        </div>
      }
    >
      {error && <Alert type="error" showIcon title={t('common.loadFailed', { message: error.message })} className="live-alert" />}
      {props.header}
      <Table<T>
        size="small"
        rowKey="id"
        columns={props.columns}
        dataSource={rows}
        loading={loading && data === undefined}
        pagination={{ defaultPageSize: 50, showSizeChanger: true, hideOnSinglePage: true }}
        locale={{ emptyText: t('common.noData') }}
        {...(props.expandAll ? { expandable: { expandedRowKeys: expanded, onExpandedRowsChange: setExpanded } } : {})}
        onRow={(row) =>
          ({ 'data-testid': `${props.testId}-row`, 'data-id': row.id, ...props.rowAttributes?.(row) }) as HTMLAttributes<HTMLElement>
        }
      />
      {props.children}
    </Card>
  );
}
