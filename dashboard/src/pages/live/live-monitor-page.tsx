import { useMemo } from 'react';
import { Col, Row } from 'antd';
import { api } from '../../api/endpoints';
import { useApiQuery } from '../../api/use-api-query';
import { AgentsPanel } from './agents-panel';
import { EventStreamTable } from './event-stream-table';
import { useLiveAgents } from './use-live-agents';
import { useLiveEvents } from './use-live-events';

/** The guard's main screen: what happens at the doors now, and whether the agents are in force. */
export function LiveMonitorPage() {
  const events = useLiveEvents();
  const agents = useLiveAgents();
  const doors = useApiQuery(api.doors);
  const doorNames = useMemo(() => new Map((doors.data ?? []).map((door) => [door.id, door.name])), [doors.data]);

  return (
    <Row gutter={[12, 12]} className="live-page" data-testid="page-live">
      <Col xs={24} xl={15} xxl={16}>
        <EventStreamTable stream={events} />
      </Col>
      <Col xs={24} xl={9} xxl={8}>
        <AgentsPanel live={agents} doorNames={doorNames} />
      </Col>
    </Row>
  );
}
