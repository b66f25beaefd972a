import type { AgentView } from '@acs/shared/api/agents';
import { agentKeys } from '../../api/agents';
import { http } from '../../api/client';
import { useLiveQuery } from '../../realtime/live-query';

export interface LiveAgents {
  agents: AgentView[] | undefined;
  error: Error | null;
}

function byName(a: AgentView, b: AgentView): number {
  return a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
}

export function upsertAgent(agents: readonly AgentView[], agent: AgentView): AgentView[] {
  return [...agents.filter((existing) => existing.id !== agent.id), agent].sort(byName);
}

/** Agents from `GET /api/agents`, updated by `agent:v1`, reloaded on each (re)connection. */
export function useLiveAgents(): LiveAgents {
  const query = useLiveQuery<AgentView[]>({
    queryKey: agentKeys.all,
    snapshot: (signal) => http.get('/api/agents', { signal }),
    fromSnapshot: (list) => [...list].sort(byName),
    on: { 'agent:v1': (current, agent) => upsertAgent(current ?? [], agent) },
  });
  return { agents: query.data, error: query.error };
}
