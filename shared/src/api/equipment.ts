/**
 * Equipment and media (docs/product-rules.md#equipment-and-media): the register, gate passes, the
 * checkpoint's decisions, seals and the append-only movement log.
 */
export const EQUIPMENT_KINDS = ['equipment', 'office_equipment', 'storage_medium'] as const;
export type EquipmentKind = (typeof EQUIPMENT_KINDS)[number];

/**
 * in_service: on site and usable · off_site: out on a returnable pass · in_repair: out for
 * repair · awaiting_check: back from repair, not usable until a seal/tamper check ·
 * disposed: gone for good (non-returnable or disposal pass).
 */
export const EQUIPMENT_STATUSES = ['in_service', 'off_site', 'in_repair', 'awaiting_check', 'disposed'] as const;
export type EquipmentStatus = (typeof EQUIPMENT_STATUSES)[number];

export const GATE_PASS_TYPES = ['returnable', 'non_returnable', 'repair', 'disposal'] as const;
export type GatePassType = (typeof GATE_PASS_TYPES)[number];

export const GATE_PASS_STATUSES = ['requested', 'approved', 'rejected', 'out', 'returned', 'closed', 'cancelled'] as const;
export type GatePassStatus = (typeof GATE_PASS_STATUSES)[number];

/** How data left the item before repair (docs/product-rules.md#repair). */
export const DATA_HANDLING = ['wiped', 'storage_removed', 'no_data'] as const;
export type DataHandling = (typeof DATA_HANDLING)[number];

export const SEAL_STATUSES = ['intact', 'broken', 'replaced', 'removed'] as const;
export type SealStatus = (typeof SEAL_STATUSES)[number];

export const MOVEMENT_KINDS = [
  'registered',
  'updated',
  'pass_requested',
  'pass_approved',
  'pass_rejected',
  'exit',
  'return',
  'stopped',
  'returned_to_service',
  'seal_applied',
  'seal_inspected',
  'seal_replaced',
  'media_entry',
  'media_violation',
] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];

export interface EquipmentView {
  id: string;
  assetTag: string;
  serial: string | null;
  kind: EquipmentKind;
  description: string;
  ownerPersonId: string | null;
  ownerName: string | null;
  homeZoneId: string | null;
  storesData: boolean;
  status: EquipmentStatus;
  /** The pass it is out on, when it is out. */
  openPassId: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface GatePassView {
  id: string;
  /** Short number printed on the pass and typed at the checkpoint (`GP-000123`). */
  number: string;
  equipmentId: string;
  assetTag: string;
  equipmentDescription: string;
  type: GatePassType;
  reason: string;
  status: GatePassStatus;
  requestedBy: string | null;
  requestedAt: number;
  approvedBy: string | null;
  decidedAt: number | null;
  decisionNote: string | null;
  validUntil: number;
  expectedReturnAt: number | null;
  dataHandling: DataHandling | null;
  dataHandlingNote: string | null;
  outAt: number | null;
  outBy: string | null;
  returnedAt: number | null;
  returnedBy: string | null;
  overdue: boolean;
}

/** What the checkpoint says to the guard, with the reason in a stable code and words. */
export interface CheckpointDecision {
  decision: 'allow' | 'stop';
  reason: CheckpointReason;
  detail: string;
  equipment: EquipmentView | null;
  pass: GatePassView | null;
  movementId: string;
}

/** What a guard's check of a storage medium at a zone's door says: allowed, or stopped (a violation when the zone forbids media). */
export interface MediaCheckView {
  decision: 'allow' | 'stop';
  violation: boolean;
  detail: string;
  movementId: string;
}

export const CHECKPOINT_REASONS = [
  'pass_valid',
  'return_recorded',
  'unknown_item',
  'no_pass',
  'pass_not_for_item',
  'pass_not_approved',
  'pass_expired',
  'pass_used',
  'item_not_out',
  'item_disposed',
  'repair_without_data_handling',
] as const;
export type CheckpointReason = (typeof CHECKPOINT_REASONS)[number];

export interface SealView {
  id: string;
  number: string;
  equipmentId: string | null;
  assetTag: string | null;
  location: string | null;
  status: SealStatus;
  appliedBy: string | null;
  appliedAt: number;
  lastInspectedAt: number | null;
  lastInspectedBy: string | null;
  replacedBySealId: string | null;
}

export interface MovementView {
  id: string;
  seq: number;
  at: number;
  kind: MovementKind;
  equipmentId: string | null;
  assetTag: string | null;
  /** The item's description as it was at that moment. */
  itemSnapshot: Record<string, unknown> | null;
  passId: string | null;
  sealId: string | null;
  zoneId: string | null;
  personId: string | null;
  visitId: string | null;
  decision: 'allow' | 'stop' | null;
  reason: string | null;
  actor: string | null;
}
