import { Inject, Injectable, Logger } from '@nestjs/common';
import { UsersService } from '../auth/users.service.js';
import { StartupError } from '../common/startup-error.js';
import { SERVER_CONFIG, type ServerConfig } from '../config/server-config.js';
import { SiteService } from '../site/site.service.js';
import { DemoSeeder } from './demo-seeder.service.js';

/** How to create the first admin, named in the production refusal and docs/operations.md#administration-commands. */
export const CREATE_ADMIN_COMMAND = 'node server/dist/cli.js create-admin --username <name>';

/**
 * Readies the data before the server takes traffic: the site row, then in demo mode the
 * demo site (only into an empty database), in production mode the check that a real
 * admin exists.
 */
@Injectable()
export class BootstrapService {
  private readonly logger = new Logger('Bootstrap');

  constructor(
    private readonly site: SiteService,
    private readonly users: UsersService,
    private readonly demo: DemoSeeder,
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
  ) {}

  async prepare(): Promise<void> {
    await this.site.ensure();
    if (this.config.mode === 'demo') {
      await this.demo.seedIfEmpty();
      await this.demo.ensureAgentSecret();
      return;
    }
    if ((await this.users.countRealAdmins()) === 0) {
      throw new StartupError(
        'Production mode needs an administrator, and none exists. Create one with:\n' +
          `  ${CREATE_ADMIN_COMMAND}\n` +
          '(it reads the password from --password-file, ACS_ADMIN_PASSWORD or a prompt), then start the server again.',
      );
    }
    const demoUsers = await this.users.countDemo();
    if (demoUsers > 0) {
      this.logger.warn(`this database holds ${demoUsers} demo account(s); production mode refuses their sign-in`);
    }
  }
}
