import { useCallback, useEffect, useState } from 'react';
import type { AgentView } from '@acs/shared/api/agents';
import { api } from '../../api/endpoints';
import { useRealtime, useSocketEvent } from '../../realtime/realtime-context';

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
  const { connectionEpoch } = useRealtime();
  const [agents, setAgents] = useState<AgentView[]>();
  const [error, setError] = useState<Error | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    api.agents(controller.signal).then(
      (list) => {
        setAgents([...list].sort(byName));
        setError(null);
      },
      (reason: unknown) => {
        if (!controller.signal.aborted) setError(reason instanceof Error ? reason : new Error(String(reason)));
      },
    );
    return () => controller.abort();
  }, [connectionEpoch]);

  const onAgent = useCallback((agent: AgentView) => setAgents((current) => upsertAgent(current ?? [], agent)), []);
  useSocketEvent('agent:v1', onAgent);

  return { agents, error };
}
