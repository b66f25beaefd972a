import { describe, test } from '@jest/globals';
import assert from '../testing/assert.js';
import { agentMayPublish, agentMaySubscribe, agentTopic, parseAgentTopic, SERVER_SUBSCRIPTIONS } from './topics.js';

describe('MQTT topics', () => {
  test('every topic carries the protocol version in its root', () => {
    assert.equal(agentTopic('agent-1', 'events'), 'acs/v1/agents/agent-1/events');
    for (const filter of SERVER_SUBSCRIPTIONS) assert.match(filter, /^acs\/v1\/agents\/\+\//);
  });

  test('an agent may publish only its own outgoing channels', () => {
    assert.equal(agentMayPublish('agent-a', 'acs/v1/agents/agent-a/events'), true);
    assert.equal(agentMayPublish('agent-a', 'acs/v1/agents/agent-a/state'), true);
    assert.equal(agentMayPublish('agent-a', 'acs/v1/agents/agent-b/events'), false);
    assert.equal(agentMayPublish('agent-a', 'acs/v1/agents/agent-a/permissions'), false, 'server channel');
    assert.equal(agentMayPublish('agent-a', 'acs/v2/agents/agent-a/events'), false, 'other version');
  });

  test('an agent may subscribe only to its own server channels and never with wildcards', () => {
    assert.equal(agentMaySubscribe('agent-a', 'acs/v1/agents/agent-a/permissions'), true);
    assert.equal(agentMaySubscribe('agent-a', 'acs/v1/agents/agent-b/permissions'), false);
    assert.equal(agentMaySubscribe('agent-a', 'acs/v1/agents/+/permissions'), false);
    assert.equal(agentMaySubscribe('agent-a', 'acs/v1/#'), false);
    assert.equal(agentMaySubscribe('agent-a', 'acs/v1/agents/agent-a/events'), false, 'agent channel');
  });

  test('parses agent topics and refuses unknown channels and malformed ids', () => {
    assert.deepEqual(parseAgentTopic('acs/v1/agents/door-7/applied'), { agentId: 'door-7', channel: 'applied' });
    assert.equal(parseAgentTopic('acs/v1/agents/door-7/unknown'), null);
    assert.equal(parseAgentTopic('acs/v1/agents/Door_7/events'), null);
    assert.equal(parseAgentTopic('acs/v1/agents/a/b/events'), null);
  });
});
