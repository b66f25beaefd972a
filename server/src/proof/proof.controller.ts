import { Controller, Get, Header, Param, ParseIntPipe, Query, Res } from '@nestjs/common';
import type { AgentLagView } from '@acs/shared/api/agents';
import type { RevocationProofView } from '@acs/shared/api/proof';
import type { LeaverView } from '@acs/shared/api/reports';
import { type AuthContext, CurrentAuth, Roles, STAFF } from '../auth/roles.js';
import { invalid } from '../common/api-exception.js';
import { LeaversQuery, ListRevocationsQuery } from './dto/proof.query.js';
import { ProofService } from './proof.service.js';

interface CsvResponse {
  setHeader(name: string, value: string): void;
  send(body: string): void;
}

const parseVersion = new ParseIntPipe({ exceptionFactory: () => invalid('version must be a whole number') });

/** Proof that changes reached the doors: revocations, agents that lag, leavers. Read by staff. */
@Controller()
export class ProofController {
  constructor(private readonly proof: ProofService) {}

  @Roles(STAFF)
  @Get('revocations')
  revocations(@Query() query: ListRevocationsQuery): Promise<RevocationProofView[]> {
    return this.proof.revocations(query.limit);
  }

  @Roles(STAFF)
  @Get('revocations/:version')
  revocation(@Param('version', parseVersion) version: number): Promise<RevocationProofView> {
    return this.proof.revocation(version);
  }

  @Roles(STAFF)
  @Get('agents/lag')
  agentLag(): Promise<AgentLagView[]> {
    return this.proof.agentLag();
  }

  @Roles(STAFF)
  @Get('reports/leavers')
  leavers(@Query() query: LeaversQuery): Promise<LeaverView[]> {
    return this.proof.leavers(query);
  }

  @Roles(['admin', 'auditor'])
  @Get('reports/leavers.csv')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  async leaversCsv(@CurrentAuth() auth: AuthContext, @Query() query: LeaversQuery, @Res() res: CsvResponse): Promise<void> {
    const { filename, csv } = await this.proof.leaversCsv(query, auth.user.locale);
    res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
    res.send(csv);
  }
}
