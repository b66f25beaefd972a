import type { AlertView } from '@acs/shared/api/alerts';
import type { CheckpointDecision, EquipmentView, GatePassView, MediaCheckView, MovementView, SealView } from '@acs/shared/api/equipment';
import type { AlertRulesView, IncidentDetailView, IncidentStatsView, IncidentView, ViolationView } from '@acs/shared/api/incidents';
import type { OnSiteList, PoolCardView, VisitView } from '@acs/shared/api/reception';
import type { LegalHoldView, RetentionRunView, RetentionSettingsView } from '@acs/shared/api/retention';
import type { AccessRequestView } from '@acs/shared/api/access-requests';
import type { AgentLagView, AgentView } from '@acs/shared/api/agents';
import type { AuditEntryView, AuditVerifyView } from '@acs/shared/api/audit';
import type { CardHistoryView, CardTransitionResult, CardView } from '@acs/shared/api/cards';
import type { DepartmentView } from '@acs/shared/api/departments';
import type { DoorView } from '@acs/shared/api/doors';
import type { EventView } from '@acs/shared/api/events';
import type { GrantView } from '@acs/shared/api/grants';
import type { HealthView } from '@acs/shared/api/health';
import type { Page } from '@acs/shared/api/http';
import type { LockdownView } from '@acs/shared/api/lockdown';
import type { PersonView } from '@acs/shared/api/people';
import type { RevocationProofView } from '@acs/shared/api/proof';
import type { LeaverView } from '@acs/shared/api/reports';
import type { ReviewCampaignDetailView, ReviewCampaignView, ReviewItemView } from '@acs/shared/api/reviews';
import type { SiteView } from '@acs/shared/api/site';
import type { LoginResponse, UserAccountView, UserView } from '@acs/shared/api/users';
import type { ZoneView } from '@acs/shared/api/zones';
import type { Schedule } from '@acs/shared/mqtt/payloads';
import type { ReaderKeyOperationView, ReaderView } from '@acs/shared/readers/reader-views';
import type { paths } from './generated/schema';

/**
 * What each call answers, by path and method: the shared view types the server's services
 * return. The server's OpenAPI description has request types but no response schemas, so
 * this map is the one place responses are typed; a call whose path is missing here does not
 * compile, and `CheckedAgainstServer` below refuses a path or method the server lacks.
 */
export interface ApiResponses {
  '/api/health': { get: HealthView };
  '/api/auth/login': { post: LoginResponse };
  '/api/auth/logout': { post: unknown };
  '/api/auth/me': { get: UserView; patch: UserView };

  '/api/site': { get: SiteView; patch: SiteView };
  '/api/departments': { get: DepartmentView[]; post: DepartmentView };
  '/api/departments/{id}': { patch: DepartmentView; delete: void };
  '/api/schedules': { get: Schedule[]; post: Schedule };
  '/api/schedules/{id}': { patch: Schedule; delete: void };

  '/api/zones': { get: ZoneView[]; post: ZoneView };
  '/api/zones/{id}': { patch: ZoneView; delete: void };
  '/api/doors': { get: DoorView[]; post: DoorView };
  '/api/doors/{id}': { patch: DoorView; delete: void };

  '/api/people': { get: PersonView[]; post: PersonView };
  '/api/people/{id}': { patch: PersonView };
  '/api/cards': { get: CardView[]; post: CardView };
  '/api/cards/{id}': { patch: CardView };
  '/api/cards/{id}/transition': { post: CardTransitionResult };
  '/api/cards/{id}/replacement': { post: CardView };
  '/api/cards/{id}/history': { get: CardHistoryView[] };

  '/api/grants': { get: GrantView[]; post: GrantView };
  '/api/grants/{id}': { delete: void };
  '/api/access-requests': { get: AccessRequestView[]; post: AccessRequestView };
  '/api/access-requests/{id}/approve': { post: AccessRequestView };
  '/api/access-requests/{id}/refuse': { post: AccessRequestView };
  '/api/access-requests/{id}/cancel': { post: AccessRequestView };
  '/api/reviews': { get: ReviewCampaignView[]; post: ReviewCampaignDetailView };
  '/api/reviews/{id}': { get: ReviewCampaignDetailView };
  '/api/reviews/{id}/items/{itemId}/decision': { post: ReviewItemView };
  '/api/reviews/{id}/close': { post: ReviewCampaignView };
  '/api/revocations': { get: RevocationProofView[] };
  '/api/revocations/{version}': { get: RevocationProofView };

  '/api/agents': { get: AgentView[] };
  '/api/agents/lag': { get: AgentLagView[] };
  '/api/events': { get: Page<EventView> };
  '/api/readers': { get: ReaderView[] };
  '/api/readers/{id}/provisioning-window': { post: ReaderKeyOperationView };
  '/api/readers/{id}/keys': { post: ReaderKeyOperationView };

  '/api/audit': { get: Page<AuditEntryView> };
  '/api/audit/verify': { get: AuditVerifyView };
  '/api/users': { get: UserAccountView[]; post: UserAccountView };
  '/api/users/{id}': { patch: UserAccountView };

  '/api/alerts': { get: AlertView[] };
  '/api/alerts/{id}/acknowledge': { post: AlertView };
  '/api/alerts/{id}/incident': { post: IncidentDetailView };
  '/api/alerts/rules': { get: AlertRulesView; put: AlertRulesView };
  '/api/lockdown': { get: LockdownView };
  '/api/lockdown/start': { post: LockdownView };
  '/api/lockdown/end': { post: LockdownView };

  '/api/incidents': { get: IncidentView[]; post: IncidentDetailView };
  '/api/incidents/stats': { get: IncidentStatsView };
  '/api/incidents/{id}': { get: IncidentDetailView; patch: IncidentDetailView };
  '/api/incidents/{id}/notes': { post: IncidentDetailView };
  '/api/incidents/{id}/close': { post: IncidentDetailView };
  '/api/violations': { get: ViolationView[]; post: ViolationView };
  '/api/retention': { get: RetentionSettingsView; put: RetentionSettingsView };
  '/api/retention/run': { post: RetentionRunView };
  '/api/retention/holds': { get: LegalHoldView[]; post: LegalHoldView };
  '/api/retention/holds/{id}/release': { post: LegalHoldView };

  '/api/visits': { get: VisitView[]; post: VisitView };
  '/api/visits/walk-in': { post: VisitView };
  '/api/visits/{id}/host-decision': { post: VisitView };
  '/api/visits/{id}/watchlist-decision': { post: VisitView };
  '/api/visits/{id}/check-in': { post: VisitView };
  '/api/visits/{id}/photo': { put: VisitView };
  '/api/visits/{id}/sign-out': { post: VisitView };
  '/api/visits/{id}/cancel': { post: VisitView };
  '/api/reception/on-site': { get: OnSiteList };
  '/api/reception/pool': { get: PoolCardView[] };

  '/api/equipment': { get: EquipmentView[]; post: EquipmentView };
  '/api/equipment/{id}/return-to-service': { post: EquipmentView };
  '/api/equipment/checkpoint': { post: CheckpointDecision };
  '/api/equipment/media-check': { post: MediaCheckView };
  '/api/equipment/movements': { get: MovementView[] };
  '/api/gate-passes': { get: GatePassView[]; post: GatePassView };
  '/api/gate-passes/{id}/decision': { post: GatePassView };
  '/api/gate-passes/{id}/data-handling': { post: GatePassView };
  '/api/seals': { get: SealView[]; post: SealView };
  '/api/seals/{id}/inspect': { post: SealView };
  '/api/seals/{id}/replace': { post: SealView };

  '/api/reports/leavers': { get: LeaverView[] };
}

/** Fails to compile when ApiResponses names a path or a method the server does not have. */
type CheckedAgainstServer = {
  [P in keyof ApiResponses]: P extends keyof paths
    ? {
        [V in keyof ApiResponses[P]]: V extends keyof paths[P]
          ? paths[P][V] extends undefined
            ? 'no such method'
            : 'ok'
          : 'no such method';
      }[keyof ApiResponses[P]]
    : 'no such path';
}[keyof ApiResponses];
const responsesMatchServer: CheckedAgainstServer extends 'ok' ? true : never = true;
void responsesMatchServer;
