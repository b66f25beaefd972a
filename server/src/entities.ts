import { AccessRequestEntity } from './access-requests/access-request.entity.js';
import { AgentEntity } from './agents/agent.entity.js';
import { AuditChainHeadEntity } from './audit/audit-chain-head.entity.js';
import { AuditLogEntity } from './audit/audit-log.entity.js';
import { LoginThrottleEntity } from './auth/login-throttle.entity.js';
import { SessionEntity } from './auth/session.entity.js';
import { UserEntity } from './auth/user.entity.js';
import { CardHistoryEntity } from './cards/card-history.entity.js';
import { CardEntity } from './cards/card.entity.js';
import { DepartmentEntity } from './departments/department.entity.js';
import { DoorEntity } from './doors/door.entity.js';
import { EventEntity } from './events/event.entity.js';
import { RefusedEventEntity } from './events/refused-event.entity.js';
import { GrantEntity } from './grants/grant.entity.js';
import { PersonEntity } from './people/person.entity.js';
import { ReaderEntity } from './readers/reader.entity.js';
import { ReaderKeyEntity } from './readers/reader-key.entity.js';
import { ReaderKeyOperationEntity } from './readers/reader-key-operation.entity.js';
import { ReviewCampaignEntity } from './reviews/review-campaign.entity.js';
import { ReviewItemEntity } from './reviews/review-item.entity.js';
import { ScheduleEntity } from './schedules/schedule.entity.js';
import { PermissionChangeEntity } from './site/permission-change.entity.js';
import { SiteSettingsEntity } from './site/site-settings.entity.js';
import { PermissionDeliveryEntity } from './sync/permission-delivery.entity.js';
import { ZoneEntity } from './zones/zone.entity.js';
import { JobLeaseEntity, JobRunEntity } from './jobs/job-lease.entity.js';
import { AlertEntity } from './alerts/alert.entity.js';
import { VisitEntity } from './reception/visit.entity.js';
import { PoolCardEntity, PresenceEntity, WatchlistEntryEntity } from './reception/reception-records.entity.js';
import { IncidentEntity, IncidentEntryEntity, ViolationEntity } from './incidents/incident.entity.js';
import { LegalHoldEntity } from './retention/legal-hold.entity.js';
import { EquipmentEntity, MovementEntity } from './equipment/equipment.entity.js';
import { GatePassEntity } from './gate-passes/gate-pass.entity.js';
import { SealEntity } from './seals/seal.entity.js';

/** Every entity, listed by hand: globs do not work with ESM. */
export const ENTITIES = [
  SiteSettingsEntity,
  PersonEntity,
  UserEntity,
  SessionEntity,
  ZoneEntity,
  AgentEntity,
  DoorEntity,
  ScheduleEntity,
  CardEntity,
  GrantEntity,
  EventEntity,
  RefusedEventEntity,
  PermissionDeliveryEntity,
  PermissionChangeEntity,
  AuditLogEntity,
  AuditChainHeadEntity,
  CardHistoryEntity,
  DepartmentEntity,
  AccessRequestEntity,
  ReviewCampaignEntity,
  ReviewItemEntity,
  ReaderEntity,
  ReaderKeyEntity,
  ReaderKeyOperationEntity,
  AlertEntity,
  VisitEntity,
  WatchlistEntryEntity,
  PoolCardEntity,
  PresenceEntity,
  EquipmentEntity,
  GatePassEntity,
  SealEntity,
  MovementEntity,
  IncidentEntity,
  IncidentEntryEntity,
  ViolationEntity,
  LegalHoldEntity,
  JobLeaseEntity,
  JobRunEntity,
  LoginThrottleEntity,
];
