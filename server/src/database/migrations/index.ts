import { InitialSchema1764000000000 } from './1764000000000-initial-schema.js';
import { PermissionChanges1764100000000 } from './1764100000000-permission-changes.js';
import { Readers1764300000000 } from './1764300000000-readers.js';
import { AuditLogAndAccounts1764400000000 } from './1764400000000-audit-log-and-accounts.js';
import { CardsZonesPermissions1764500000000 } from './1764500000000-cards-zones-permissions.js';
import { DoorRulesAndLockdown1764600000000 } from './1764600000000-door-rules-and-lockdown.js';
import { Alerts1764700000000 } from './1764700000000-alerts.js';
import { ReceptionAndEquipment1764800000000 } from './1764800000000-reception-and-equipment.js';
import { IncidentsAndAlertRules1764900000000 } from './1764900000000-incidents-and-alert-rules.js';
import { RetentionAndHolds1765000000000 } from './1765000000000-retention-and-holds.js';
import { DeviceTime1765100000000 } from './1765100000000-device-time.js';
import { RefusedEvents1765200000000 } from './1765200000000-refused-events.js';
import { ClusterState1765300000000 } from './1765300000000-cluster-state.js';
import { SocketIoAttachments1765400000000 } from './1765400000000-socket-io-attachments.js';
import { AgentOutboxDepth1765500000000 } from './1765500000000-agent-outbox-depth.js';
import { OneOpenAlertPerCondition1765600000000 } from './1765600000000-one-open-alert-per-condition.js';

/** Every migration in order, listed by hand: globs do not work with ESM. */
export const MIGRATIONS = [
  InitialSchema1764000000000,
  PermissionChanges1764100000000,
  Readers1764300000000,
  AuditLogAndAccounts1764400000000,
  CardsZonesPermissions1764500000000,
  DoorRulesAndLockdown1764600000000,
  Alerts1764700000000,
  ReceptionAndEquipment1764800000000,
  IncidentsAndAlertRules1764900000000,
  RetentionAndHolds1765000000000,
  DeviceTime1765100000000,
  RefusedEvents1765200000000,
  ClusterState1765300000000,
  SocketIoAttachments1765400000000,
  AgentOutboxDepth1765500000000,
  OneOpenAlertPerCondition1765600000000,
];
