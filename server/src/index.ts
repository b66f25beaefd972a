export { startServer, type RunningServer, type StartOptions } from './server.js';
export { loadServerConfig, ConfigError, type ServerConfig, type ServerMode, type DatabaseKind } from './config/server-config.js';
export { StartupError } from './common/startup-error.js';
export { Clock, SystemClock, ManualClock } from './common/clock.js';
export { DEMO_AGENT, DEMO_SIGN_INS } from './demo/demo-data.js';
export { demoAgentPasswordFile } from './demo/demo-seeder.service.js';
export { CREATE_ADMIN_COMMAND } from './demo/bootstrap.service.js';
export { openDatabase } from './database/data-source.js';
export type { HealthView, GrantView, CreatedAgentView } from '@acs/shared/api/views';
