import { Global, Module } from '@nestjs/common';
import { JobLeases } from './job-leases.service.js';

/** Leases for periodic jobs, used by every domain that runs one. */
@Global()
@Module({
  providers: [JobLeases],
  exports: [JobLeases],
})
export class JobsModule {}
