/**
 * Every MQTT topic the system uses. The version sits in the root so a future payload
 * change can live beside this one (`acs/v2/...`) instead of breaking deployed agents.
 *
 * Agent `A` may publish only to `acs/v1/agents/A/{state,events,sync,applied,readers}` and
 * subscribe only to `acs/v1/agents/A/{permissions,events-ack,commands}`; both the
 * embedded broker and the Mosquitto ACL enforce it.
 */
export const TOPIC_ROOT = 'acs/v1';

/** Channels an agent publishes on. */
export const AGENT_PUBLISHES = ['state', 'events', 'sync', 'applied', 'readers'] as const;
/** Channels the server publishes on, to one agent. */
export const SERVER_PUBLISHES = ['permissions', 'events-ack', 'commands'] as const;

export type AgentChannel = (typeof AGENT_PUBLISHES)[number];
export type ServerChannel = (typeof SERVER_PUBLISHES)[number];
export type Channel = AgentChannel | ServerChannel;

export function agentTopic(agentId: string, channel: Channel): string {
  return `${TOPIC_ROOT}/agents/${agentId}/${channel}`;
}

/**
 * The MQTT client id an agent connects with. It is derived from the identity the broker
 * authenticated (as Mosquitto's `use_username_as_clientid` does), so nothing about who owns
 * a client id has to be remembered, and nothing is forgotten when a broker restarts.
 */
export function agentClientId(agentId: string): string {
  return `acs-agent-${agentId}`;
}

/**
 * True when `clientId` may be used by `agentId`: its own id, or its own id followed by `/`
 * and a suffix (a second connection of the same identity, e.g. a diagnostic tool). Agent ids
 * cannot contain `/`, so no agent's id is a prefix of another's.
 */
export function isAgentClientId(clientId: string, agentId: string): boolean {
  const own = agentClientId(agentId);
  return clientId === own || (clientId.startsWith(`${own}/`) && clientId.length > own.length + 1);
}

/** Retained announcement of the server's versions (protocol.ts), readable by every agent. */
export const SERVER_ANNOUNCEMENT_TOPIC = `${TOPIC_ROOT}/server`;

/** What the server subscribes to: every agent's outgoing channels. */
export const SERVER_SUBSCRIPTIONS: readonly string[] = AGENT_PUBLISHES.map((c) => `${TOPIC_ROOT}/agents/+/${c}`);

/**
 * Channels every server instance receives even when several share the agents' traffic:
 * an agent's retained state (a new instance learns who is online from it; shared
 * subscriptions get no retained messages) and its last will. Handling them is idempotent
 * and a presence change is acted on by the one instance whose update changed the row.
 */
export const BROADCAST_CHANNELS: readonly AgentChannel[] = ['state'];

/**
 * The server's subscriptions: with `sharedGroup`, each message of the other channels goes to
 * one instance of the group (`$share/<group>/...`, MQTT 5 shared subscriptions, also
 * understood by Mosquitto 2, EMQX, HiveMQ and VerneMQ for MQTT 3.1.1 clients).
 */
export function serverSubscriptions(sharedGroup: string | null): string[] {
  return AGENT_PUBLISHES.map((c) => {
    const filter = `${TOPIC_ROOT}/agents/+/${c}`;
    return sharedGroup === null || BROADCAST_CHANNELS.includes(c) ? filter : `$share/${sharedGroup}/${filter}`;
  });
}

export function agentSubscriptions(agentId: string): string[] {
  return SERVER_PUBLISHES.map((c) => agentTopic(agentId, c));
}

const AGENT_TOPIC = /^acs\/v1\/agents\/([a-z0-9][a-z0-9-]{0,62})\/([a-z-]+)$/;

export function parseAgentTopic(topic: string): { agentId: string; channel: Channel } | null {
  const m = AGENT_TOPIC.exec(topic);
  if (!m) return null;
  const channel = m[2] as Channel;
  if (!(AGENT_PUBLISHES as readonly string[]).includes(channel) && !(SERVER_PUBLISHES as readonly string[]).includes(channel)) {
    return null;
  }
  return { agentId: m[1]!, channel };
}

/** True when `agentId` may publish to `topic` (used by the embedded broker's ACL). */
export function agentMayPublish(agentId: string, topic: string): boolean {
  const parsed = parseAgentTopic(topic);
  return parsed !== null && parsed.agentId === agentId && (AGENT_PUBLISHES as readonly string[]).includes(parsed.channel);
}

/** True when `agentId` may subscribe to `filter`. Wildcards are refused: an agent names its own topics. */
export function agentMaySubscribe(agentId: string, filter: string): boolean {
  if (filter === SERVER_ANNOUNCEMENT_TOPIC) return true;
  const parsed = parseAgentTopic(filter);
  return parsed !== null && parsed.agentId === agentId && (SERVER_PUBLISHES as readonly string[]).includes(parsed.channel);
}
