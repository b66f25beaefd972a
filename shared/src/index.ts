// Isomorphic contracts (safe for the browser). Node-only helpers such as
// `@acs/shared/sync/permission-hash` are imported by their own path.
export * from './access/model.js';
export * from './access/reason-codes.js';
export * from './access/card-lifecycle.js';
export * from './credentials/credential.js';
export * from './credentials/card-number.js';
export * from './credentials/wiegand.js';
export * from './mqtt/topics.js';
export * from './mqtt/payloads.js';
export * from './api/views.js';
export * from './realtime/events.js';
export * from './readers/reader-report.js';
export * from './readers/reader-views.js';
export type * from './hardware/interfaces.js';
