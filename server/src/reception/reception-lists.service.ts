import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type Repository } from 'typeorm';
import type { PoolCardView, WatchlistEntryView } from '@acs/shared/api/reception';
import { displayCredential } from '@acs/shared/credentials/credential';
import { UsersService } from '../auth/users.service.js';
import { CardsService } from '../cards/cards.service.js';
import type { Actor } from '../common/actor.js';
import { conflict, invalid, notFound } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { newId } from '../common/ids.js';
import type { CreatePoolCardDto, CreateWatchlistEntryDto, UpdateWatchlistEntryDto } from './dto/visit.dto.js';
import { PoolCardEntity, WatchlistEntryEntity } from './reception-records.entity.js';
import { VisitEntity } from './visit.entity.js';
import { credentialFromTyped } from './visit-rules.js';

/** The watch list (admins keep it) and the site's visitor card pool. */
@Injectable()
export class ReceptionListsService {
  constructor(
    @InjectRepository(WatchlistEntryEntity) private readonly watchlist: Repository<WatchlistEntryEntity>,
    @InjectRepository(PoolCardEntity) private readonly pool: Repository<PoolCardEntity>,
    @InjectRepository(VisitEntity) private readonly visits: Repository<VisitEntity>,
    private readonly cards: CardsService,
    private readonly users: UsersService,
    private readonly clock: Clock,
  ) {}

  async listWatchlist(): Promise<WatchlistEntryView[]> {
    const rows = await this.watchlist.find({ order: { createdAt: 'DESC' } });
    const refs = await this.users.refs(rows.map((r) => r.createdByUserId));
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      list: r.list,
      reason: r.reason,
      active: r.active,
      createdBy: r.createdByUserId ? (refs.get(r.createdByUserId)?.name ?? null) : null,
      createdAt: r.createdAt,
    }));
  }

  async addWatchlist(dto: CreateWatchlistEntryDto, actor: Actor): Promise<WatchlistEntryView> {
    if (!dto.name.trim() || !dto.reason.trim()) throw invalid('name and reason must not be blank');
    const row: WatchlistEntryEntity = {
      id: newId(),
      name: dto.name.trim(),
      list: dto.list,
      reason: dto.reason.trim(),
      active: true,
      createdByUserId: actor.id,
      createdAt: this.clock.now(),
    };
    await this.watchlist.insert(row);
    return (await this.listWatchlist()).find((e) => e.id === row.id)!;
  }

  async updateWatchlist(id: string, dto: UpdateWatchlistEntryDto): Promise<WatchlistEntryView> {
    const row = await this.watchlist.findOneBy({ id });
    if (!row) throw notFound(`watch-list entry ${id}`);
    await this.watchlist.update({ id }, { active: dto.active });
    return (await this.listWatchlist()).find((e) => e.id === id)!;
  }

  async listPool(): Promise<PoolCardView[]> {
    const rows = await this.pool.find({ order: { label: 'ASC' } });
    const visitIds = rows.map((r) => r.visitId).filter((id): id is string => id !== null);
    const names = new Map(
      (visitIds.length ? await this.visits.find({ select: { id: true, visitorName: true }, where: { id: In(visitIds) } }) : []).map((v) => [
        v.id,
        v.visitorName,
      ]),
    );
    return rows.map((r) => ({
      credential: r.credential,
      credentialDisplay: displayCredential(r.credential),
      label: r.label,
      status: r.status,
      visitId: r.visitId,
      visitorName: r.visitId ? (names.get(r.visitId) ?? null) : null,
    }));
  }

  async addPoolCard(dto: CreatePoolCardDto): Promise<PoolCardView> {
    const parsed = credentialFromTyped(dto.cardNumber);
    if (!parsed.ok) throw invalid(parsed.error);
    if (await this.pool.findOneBy({ credential: parsed.credential }))
      throw conflict(`${displayCredential(parsed.credential)} is already in the pool`);
    const live = await this.cards.liveWithCredential(parsed.credential);
    if (live) throw conflict(`${displayCredential(parsed.credential)} is an active ${live.type} card; a pool card must be unassigned`);
    await this.pool.insert({
      credential: parsed.credential,
      label: dto.label.trim(),
      status: 'available',
      visitId: null,
      updatedAt: this.clock.now(),
    });
    return (await this.listPool()).find((c) => c.credential === parsed.credential)!;
  }

  async retirePoolCard(credential: string): Promise<PoolCardView> {
    const row = await this.pool.findOneBy({ credential });
    if (!row) throw notFound(`pool card ${credential}`);
    if (row.status === 'issued') throw conflict(`pool card ${row.label} is lent to a visitor; sign the visitor out first`);
    await this.pool.update({ credential }, { status: 'retired', updatedAt: this.clock.now() });
    return (await this.listPool()).find((c) => c.credential === credential)!;
  }
}
