import { useCallback, useMemo, useRef, useState } from 'react';
import { App, Badge, Button, Form, InputNumber, Modal, Popconfirm, Space, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { ClockCircleOutlined, KeyOutlined, WarningOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { OsdpCapability, SecureChannelState } from '@acs/shared/readers/reader-report';
import type { ReaderView } from '@acs/shared/readers/reader-views';
import { useMutations } from '../../api/query';
import { listReaders, readerKeys, readersApi } from '../../api/readers';
import { useSignedInUser } from '../../auth/auth-context';
import { ListPage } from '../../components/list-page';
import { useDateFormatters, useNow } from '../../format/date-format';
import { useLiveQuery } from '../../realtime/live-query';

// Function codes of osdp_PDCAP, as the catalogue names them.
const CAPABILITY_KEYS: Readonly<Record<number, string>> = {
  1: 'contact_status',
  2: 'output_control',
  3: 'card_data_format',
  4: 'reader_led',
  5: 'reader_audible',
  6: 'reader_text',
  7: 'time_keeping',
  8: 'check_character',
  9: 'communication_security',
  10: 'receive_buffer',
  11: 'largest_message',
  12: 'smart_card',
  13: 'readers',
  14: 'biometrics',
  15: 'secure_pin',
  16: 'osdp_version',
};
// What a door cares about; buffer sizes and versions stay in the API.
const SHOWN_CAPABILITIES = new Set([1, 2, 4, 5, 6, 8, 9, 12, 13, 14, 15]);

const SECURE_COLOR: Record<SecureChannelState, string> = {
  disabled: 'default',
  awaiting_key: 'gold',
  establishing: 'processing',
  secure: 'success',
  install_mode: 'warning',
  key_reset: 'error',
  failed: 'error',
  unsupported: 'error',
};

function sortReaders(readers: ReaderView[]): ReaderView[] {
  return [...readers].sort(
    (a, b) => a.agentId.localeCompare(b.agentId) || a.doorId.localeCompare(b.doorId) || a.readerId.localeCompare(b.readerId),
  );
}

/**
 * Readers from `GET /api/readers`, updated by `reader:v1`, reloaded on each (re)connection.
 * A push that arrives while a reload is in flight is newer than the reload's answer, so it
 * wins over it.
 */
function useLiveReaders() {
  const pushedDuringLoad = useRef(new Map<string, ReaderView>());
  return useLiveQuery<ReaderView[]>({
    queryKey: readerKeys.all,
    snapshot: (signal) => {
      pushedDuringLoad.current = new Map();
      return listReaders(signal);
    },
    fromSnapshot: (list) => {
      const pushed = pushedDuringLoad.current;
      return sortReaders([...list.filter((r) => !pushed.has(r.id)), ...pushed.values()]);
    },
    on: {
      'reader:v1': (current, reader) => {
        pushedDuringLoad.current.set(reader.id, reader);
        return sortReaders([...(current ?? []).filter((r) => r.id !== reader.id), reader]);
      },
      // An agent going on- or offline changes whether its readers are reachable.
      'agent:v1': 'refetch',
    },
  });
}

function vendorName(code: string): string {
  return code.toUpperCase().match(/../g)?.join('-') ?? code;
}

export function ReadersPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const user = useSignedInUser();
  const formats = useDateFormatters();
  const now = useNow(10_000);
  const query = useLiveReaders();
  const changes = useMutations(readersApi, [readerKeys.all]);
  const isAdmin = user.role === 'admin';
  const [windowFor, setWindowFor] = useState<ReaderView | null>(null);
  const [minutes, setMinutes] = useState<number>(15);
  const [busy, setBusy] = useState<string | null>(null);

  const capabilityLabel = useCallback(
    (cap: OsdpCapability) => {
      const key = CAPABILITY_KEYS[cap.function];
      return key
        ? t(`readers.capability.${key}` as 'readers.capability.other', { count: cap.items })
        : t('readers.capability.other', { code: cap.function });
    },
    [t],
  );

  const run = useCallback(
    async (reader: ReaderView, action: () => Promise<unknown>, done: string) => {
      setBusy(reader.id);
      try {
        await action();
        message.success(done);
      } catch (err) {
        message.error(t('readers.actionFailed', { message: (err as Error).message }));
      } finally {
        setBusy(null);
      }
    },
    [message, t],
  );

  const columns: ColumnsType<ReaderView> = useMemo(
    () => [
      {
        key: 'reader',
        title: t('readers.reader'),
        render: (_, reader) => (
          <div data-testid="reader-name">
            <div>
              <Typography.Text strong>{reader.readerId}</Typography.Text> <Tag>{reader.type.toUpperCase()}</Tag>
            </div>
            <Typography.Text type="secondary">
              {reader.doorId} · {t(`readers.direction.${reader.direction}`)} · {reader.agentId}
            </Typography.Text>
            {reader.osdp && (
              <div>
                <Typography.Text type="secondary">
                  {t('readers.address', { address: reader.osdp.address, baud: reader.osdp.baudRate })}
                </Typography.Text>
              </div>
            )}
          </div>
        ),
      },
      {
        key: 'status',
        title: t('readers.status'),
        width: 150,
        render: (_, reader) => (
          <div data-testid="reader-status" data-online={reader.online}>
            <Badge status={reader.online ? 'success' : 'error'} text={reader.online ? t('readers.online') : t('readers.offline')} />
            {!reader.agentOnline && (
              <div>
                <Typography.Text type="secondary">{t('readers.agentOffline')}</Typography.Text>
              </div>
            )}
            {reader.fault && (
              <div>
                <Typography.Text type="danger">
                  {t(`readers.fault.${reader.fault}` as 'readers.fault.no_response', { defaultValue: reader.fault })}
                </Typography.Text>
              </div>
            )}
          </div>
        ),
      },
      {
        key: 'identity',
        title: t('readers.identity'),
        render: (_, reader) => {
          if (!reader.osdp) return <Typography.Text type="secondary">{t('readers.notOsdp')}</Typography.Text>;
          const id = reader.osdp.identity;
          if (!id) return <Typography.Text type="secondary">{t('readers.unknown')}</Typography.Text>;
          return (
            <div data-testid="reader-identity" className="reader-identity">
              <div>{t('readers.vendor', { vendor: vendorName(id.vendorCode) })}</div>
              <div>{t('readers.model', { model: id.model, version: id.version })}</div>
              <div>{t('readers.serial', { serial: id.serialNumber })}</div>
              <div>{t('readers.firmware', { firmware: id.firmware })}</div>
            </div>
          );
        },
      },
      {
        key: 'capabilities',
        title: t('readers.capabilities'),
        render: (_, reader) =>
          reader.osdp?.capabilities ? (
            <Space size={[4, 4]} wrap data-testid="reader-capabilities">
              {reader.osdp.capabilities
                .filter((cap) => SHOWN_CAPABILITIES.has(cap.function) && cap.compliance > 0)
                .map((cap) => (
                  <Tag key={cap.function}>{capabilityLabel(cap)}</Tag>
                ))}
            </Space>
          ) : (
            t('common.none')
          ),
      },
      {
        key: 'secure',
        title: t('readers.secureChannel'),
        width: 170,
        render: (_, reader) =>
          reader.osdp ? (
            <div data-testid="reader-secure-channel" data-state={reader.osdp.secureChannel}>
              <Tag
                color={SECURE_COLOR[reader.osdp.secureChannel]}
                icon={reader.osdp.secureChannel === 'key_reset' ? <WarningOutlined /> : undefined}
              >
                {t(`readers.secureState.${reader.osdp.secureChannel}`)}
              </Tag>
              {reader.osdp.provisioningUntil !== null && reader.osdp.provisioningUntil > now && (
                <div>
                  <Typography.Text type="warning">
                    <ClockCircleOutlined /> {t('readers.windowUntil', { time: formats.compact(reader.osdp.provisioningUntil, now) })}
                  </Typography.Text>
                </div>
              )}
            </div>
          ) : (
            t('common.none')
          ),
      },
      {
        key: 'key',
        title: t('readers.key'),
        width: 150,
        render: (_, reader) =>
          reader.key ? (
            <Tooltip title={formats.dateTime(reader.key.installedAt)}>
              <span data-testid="reader-key-age">
                <KeyOutlined /> {t('readers.keyAge', { age: formats.relative(Math.min(reader.key.installedAt, now), now) })}
                {!reader.key.inForce && (
                  <Tooltip title={t('readers.keyNotInForce')}>
                    {' '}
                    <WarningOutlined className="reader-key-warning" />
                  </Tooltip>
                )}
              </span>
            </Tooltip>
          ) : (
            <Typography.Text type="secondary">{reader.osdp ? t('readers.noKey') : t('common.none')}</Typography.Text>
          ),
      },
      {
        key: 'operation',
        title: t('readers.lastOperation'),
        width: 190,
        render: (_, reader) => {
          const op = reader.lastOperation;
          if (!op) return t('common.none');
          return (
            <div data-testid="reader-last-operation" data-status={op.status}>
              <div>
                {t(`readers.operationKind.${op.kind}`)}{' '}
                <Tag color={op.status === 'done' ? 'success' : op.status === 'failed' ? 'error' : 'processing'}>
                  {t(`readers.operationStatus.${op.status}`)}
                </Tag>
              </div>
              <Typography.Text type="secondary">
                {t('readers.operationBy', { name: op.actorName ?? t('common.none'), time: formats.compact(op.requestedAt, now) })}
              </Typography.Text>
              {op.status === 'failed' && op.detail && (
                <div>
                  <Typography.Text type="danger">{op.detail}</Typography.Text>
                </div>
              )}
            </div>
          );
        },
      },
      ...(isAdmin
        ? [
            {
              key: 'actions',
              title: t('readers.actions'),
              width: 170,
              render: (_: unknown, reader: ReaderView) => {
                if (!reader.osdp) return null;
                const offlineHint = reader.agentOnline ? undefined : t('readers.needsAgentOnline');
                const secureOff = reader.osdp.secureChannel === 'disabled';
                return (
                  <Space orientation="vertical" size={4}>
                    <Tooltip title={offlineHint ?? (secureOff ? t('readers.secureChannelOff') : undefined)}>
                      <Button
                        size="small"
                        data-testid="open-window"
                        disabled={!reader.agentOnline || secureOff}
                        onClick={() => setWindowFor(reader)}
                      >
                        {t('readers.openWindow')}
                      </Button>
                    </Tooltip>
                    <Popconfirm
                      title={reader.key ? t('readers.rotateKey') : t('readers.installKey')}
                      description={<div className="reader-confirm">{t('readers.installKeyConfirm')}</div>}
                      okText={t('readers.confirm')}
                      cancelText={t('readers.cancel')}
                      okButtonProps={{ 'data-testid': 'confirm-install-key' }}
                      onConfirm={() => run(reader, () => changes.installKey(reader.id), t('readers.keySent'))}
                    >
                      <Tooltip title={offlineHint ?? (secureOff ? t('readers.secureChannelOff') : undefined)}>
                        <Button
                          size="small"
                          type="primary"
                          icon={<KeyOutlined />}
                          data-testid="install-key"
                          disabled={!reader.agentOnline || secureOff}
                          loading={busy === reader.id}
                        >
                          {reader.key ? t('readers.rotateKey') : t('readers.installKey')}
                        </Button>
                      </Tooltip>
                    </Popconfirm>
                  </Space>
                );
              },
            },
          ]
        : []),
    ],
    [t, formats, now, isAdmin, busy, capabilityLabel, run, changes],
  );

  return (
    <>
      <ListPage<ReaderView>
        title={t('readers.title')}
        testId="readers"
        query={query}
        columns={columns}
        searchPlaceholder={t('readers.searchPlaceholder')}
        searchText={(reader) =>
          [reader.readerId, reader.doorId, reader.agentId, reader.type, reader.osdp?.identity?.serialNumber ?? ''].join(' ')
        }
      />
      <Modal
        open={windowFor !== null}
        title={windowFor ? t('readers.openWindowTitle', { reader: windowFor.readerId }) : ''}
        okText={t('readers.confirm')}
        cancelText={t('readers.cancel')}
        okButtonProps={{ 'data-testid': 'confirm-open-window' }}
        confirmLoading={windowFor !== null && busy === windowFor.id}
        onCancel={() => setWindowFor(null)}
        onOk={async () => {
          const reader = windowFor;
          if (!reader) return;
          await run(reader, () => changes.openProvisioningWindow(reader.id, minutes), t('readers.windowOpened'));
          setWindowFor(null);
        }}
        destroyOnHidden
      >
        <Typography.Paragraph>{t('readers.openWindowHelp')}</Typography.Paragraph>
        <Form layout="vertical">
          <Form.Item label={t('readers.minutes')}>
            <InputNumber min={1} max={240} value={minutes} onChange={(value) => setMinutes(value ?? 15)} data-testid="window-minutes" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
