import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { EventView } from '@acs/shared/api/events';
import { AgentsService } from '../agents/agents.service.js';
import { Clock } from '../common/clock.js';
import { type DomainSignalName, DomainSignalBus, type DomainSignals } from '../common/domain-signals.js';
import { SerialWork } from '../common/serial-work.js';
import { EventsService } from '../events/events.service.js';
import { JobLeases } from '../jobs/job-leases.service.js';
import { SiteService } from '../site/site.service.js';
import { AlertEscalationService } from './alert-escalation.service.js';
import { AlertFoldingService } from './alert-folding.service.js';
import { AlertRulesService } from './alert-rules.service.js';
import { agentEventTriggers, SIGNAL_TRIGGERS, type Trigger, type TriggerContext } from './alert-triggers.js';

/** How often escalation and sync lag are checked. */
const SWEEP_MS = 5_000;

/**
 * Turns agent events, agent presence and the other domains' signals (docs/product-rules.md#alerts) into
 * alerts through the trigger table, and runs the time rules (escalation, sync lag). All of
 * it one at a time, in arrival order, so folding reads what the last one wrote.
 */
@Injectable()
export class AlertTriggersService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Alerts');
  private readonly work = new SerialWork(this.logger, 'alert handling');
  private readonly context: TriggerContext = { rules: () => this.rules.rules() };

  constructor(
    private readonly folding: AlertFoldingService,
    private readonly rules: AlertRulesService,
    private readonly escalation: AlertEscalationService,
    private readonly events: EventsService,
    private readonly agents: AgentsService,
    private readonly site: SiteService,
    private readonly signals: DomainSignalBus,
    private readonly clock: Clock,
    private readonly jobs: JobLeases,
  ) {}

  onModuleInit(): void {
    this.jobs.every(this.work, 'alerts-sweep', SWEEP_MS, () => this.sweep(this.clock.now()));
    for (const name of Object.keys(SIGNAL_TRIGGERS) as Array<keyof typeof SIGNAL_TRIGGERS>) this.listen(name);
    this.signals.on('agent.event', (event) => this.enqueue(() => this.onAgentEvent(event)));
  }

  async onModuleDestroy(): Promise<void> {
    await this.work.stop();
  }

  /** Resolves once every signal received so far is handled (tests, shutdown). */
  idle(): Promise<void> {
    return this.work.idle();
  }

  private listen<K extends keyof typeof SIGNAL_TRIGGERS & DomainSignalName>(name: K): void {
    const trigger = SIGNAL_TRIGGERS[name] as (signal: DomainSignals[K], context: TriggerContext) => Trigger[] | Promise<Trigger[]>;
    this.signals.on(name, (signal) => this.enqueue(async () => this.apply(await trigger(signal, this.context))));
  }

  private enqueue(job: () => Promise<void>): void {
    void this.work.run(job);
  }

  private async apply(triggers: readonly Trigger[]): Promise<void> {
    for (const t of triggers) {
      if ('raise' in t) await this.folding.raise(t.raise);
      else await this.folding.clear(t.clear, t.at);
    }
  }

  private async onAgentEvent(e: EventView): Promise<void> {
    await this.apply(agentEventTriggers(e));
    if (e.kind !== 'access' || !e.reason || e.granted || !e.credential || !e.doorId) return;
    const at = e.occurredAt;
    const { repeatedDenials } = await this.rules.rules();
    // Counted from the stored events (stored before this runs), not from what this instance
    // saw: one agent's batches may be ingested by different instances. Up to this event's
    // time only, so each event of a batch counts as it would have on arrival.
    const recent = await this.events.countDenials(e.doorId, e.credential, at - repeatedDenials.windowSeconds * 1000, at);
    if (recent >= repeatedDenials.count) {
      await this.folding.raise({
        doorId: e.doorId,
        agentId: e.agentId,
        personId: e.personId,
        holder: e.holder,
        credential: e.credential,
        type: 'repeated_denials',
        key: `repeated_denials:${e.doorId}:${e.credential}`,
        at,
        lasting: false,
        detail: `${recent} denials within ${repeatedDenials.windowSeconds} s (${e.reason})`,
      });
    }
  }

  /**
   * Time rules: escalation of unacknowledged alerts; online agents behind the current
   * permission version for longer than the threshold raise `sync_lagging`.
   */
  async sweep(now: number): Promise<void> {
    const rules = await this.rules.rules();
    await this.escalation.escalate(now, rules);
    const version = await this.site.storedPermissionVersion();
    // "Behind since" lives on the agent row, not in memory: the next sweep may run on another instance.
    for (const agent of await this.agents.syncLagCandidates()) {
      if (agent.online && (agent.appliedVersion ?? 0) < version) {
        const since = agent.behindSince ?? now;
        if (agent.behindSince === null) await this.agents.markBehindSince(agent.id, now);
        if (now - since >= rules.syncLagSeconds * 1000) {
          await this.folding.raise({
            type: 'sync_lagging',
            key: `sync_lagging:${agent.id}`,
            at: now,
            lasting: true,
            agentId: agent.id,
            detail: `applied ${agent.appliedVersion ?? 'none'}, current ${version}, behind for ${Math.round((now - since) / 1000)} s`,
          });
        }
      } else if (agent.behindSince !== null) {
        await this.agents.markBehindSince(agent.id, null);
        await this.folding.clear(`sync_lagging:${agent.id}`, now);
      }
    }
  }
}
