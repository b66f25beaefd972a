import { useMemo } from 'react';
import { Col, Row } from 'antd';
import { AgentsPanel } from './agents-panel';
import { EventStreamTable } from './event-stream-table';
import { useLiveAgents } from './use-live-agents';
import { useLiveEvents } from './use-live-events';
import { useQuery } from '@tanstack/react-query';
import { doorQueries } from '../../api/doors';

/** The guard's main screen: what happens at the doors now, and whether the agents are in force. */
export function LiveMonitorPage() {
  const events = useLiveEvents();
  const agents = useLiveAgents();
  const doors = useQuery(doorQueries.list);
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
