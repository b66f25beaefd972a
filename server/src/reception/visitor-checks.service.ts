import { Injectable } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { PeopleService } from '../people/people.service.js';
import { ReaderKeyVault } from '../readers/reader-key-vault.js';
import type { IdentityCheckDto } from './dto/visit.dto.js';
import { hashIdNumber, maskIdNumber } from './identity.js';
import type { VisitEntity } from './visit.entity.js';

/** Checks shared by registration and check-in: escorts and the identity document. */
@Injectable()
export class VisitorChecks {
  constructor(
    private readonly people: PeopleService,
    private readonly vault: ReaderKeyVault,
    private readonly clock: Clock,
  ) {}

  /** Escorts must be active employees; problems are added to `problems`, the unique ids returned. */
  async escorts(ids: readonly string[], problems: string[]): Promise<string[]> {
    const unique = [...new Set(ids)];
    if (!unique.length) return [];
    const found = await this.people.summaries(unique);
    for (const id of unique) {
      const person = found.find((p) => p.id === id);
      if (!person) problems.push(`escortPersonIds: person ${id} does not exist`);
      else if (person.kind !== 'employee' || person.status !== 'active')
        problems.push(`escortPersonIds: ${person.name} is not an active employee`);
    }
    return unique;
  }

  recordIdentity(visit: VisitEntity, identity: IdentityCheckDto, actor: Actor): void {
    const key = this.vault.derive('visitor-id-number');
    visit.idDocumentType = identity.idDocumentType;
    visit.idNumberMasked = maskIdNumber(identity.idNumber);
    // Without the master key (production not configured) only the masked form is kept.
    visit.idNumberHash = key ? hashIdNumber(identity.idNumber, key) : null;
    visit.idCheckedByUserId = actor.id;
    visit.idCheckedAt = this.clock.now();
  }
}
