import { Tag } from 'antd';
import { CheckCircleFilled, DisconnectOutlined, SyncOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useRealtime } from '../realtime/realtime-context';

/** The live feed's health, always visible: a guard must know when the screen is stale. */
export function SocketStatus() {
  const { state } = useRealtime();
  const { t } = useTranslation();
  const look = {
    connected: { color: 'success', icon: <CheckCircleFilled /> },
    connecting: { color: 'processing', icon: <SyncOutlined spin /> },
    reconnecting: { color: 'warning', icon: <SyncOutlined spin /> },
    disconnected: { color: 'error', icon: <DisconnectOutlined /> },
  }[state];
  return (
    <Tag
      color={look.color}
      variant="solid"
      icon={look.icon}
      className="socket-status"
      data-testid="socket-status"
      data-state={state}
      role="status"
      aria-live="polite"
    >
      {t(`socket.${state}`)}
    </Tag>
  );
}
