import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, Repository } from 'typeorm';
import { DEFAULT_CARD_TYPE_CEILINGS } from '@acs/shared/access/model';
import { Clock } from '../common/clock.js';
import { SERVER_CONFIG, type ServerConfig } from '../config/server-config.js';
import { placeholder, quotedTable, returnedRows } from '../database/raw-sql.js';
import { SITE_ROW_ID, SiteSettingsEntity } from './site-settings.entity.js';

export interface SiteSettingsPatch {
  name?: string;
  timeZone?: string;
  holidays?: string[];
}

@Injectable()
export class SiteService {
  constructor(
    @InjectRepository(SiteSettingsEntity) private readonly repo: Repository<SiteSettingsEntity>,
    private readonly clock: Clock,
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
  ) {}

  /** Creates the settings row with defaults on a new database. */
  async ensure(): Promise<SiteSettingsEntity> {
    const existing = await this.repo.findOneBy({ id: SITE_ROW_ID });
    if (existing) return existing;
    const row = this.repo.create({
      id: SITE_ROW_ID,
      name: 'Site',
      timeZone: this.config.siteTimeZone,
      holidays: [],
      cardTypeCeilings: { ...DEFAULT_CARD_TYPE_CEILINGS },
      permissionVersion: 1,
      updatedAt: this.clock.now(),
    });
    await this.repo.insert(row);
    return row;
  }

  async get(): Promise<SiteSettingsEntity> {
    return (await this.repo.findOneBy({ id: SITE_ROW_ID })) ?? this.ensure();
  }

  /** Changes settings; callers that change what agents enforce record a permission change. */
  async update(patch: SiteSettingsPatch): Promise<SiteSettingsEntity> {
    const site = await this.get();
    Object.assign(site, patch, { updatedAt: this.clock.now() });
    return this.repo.save(site);
  }

  async permissionVersion(): Promise<number> {
    return (await this.get()).permissionVersion;
  }

  /**
   * Atomically raises the global permission version and returns the new value: one
   * `UPDATE … RETURNING` statement on both databases, so two concurrent bumps never read
   * the same value (an update followed by a read could, on PostgreSQL).
   */
  async bumpPermissionVersion(): Promise<number> {
    const ds = this.repo.manager.dataSource;
    const rows = returnedRows<{ permission_version: number | string }>(
      await this.repo.query(
        `UPDATE ${quotedTable(ds, SiteSettingsEntity)} SET permission_version = permission_version + 1, updated_at = ${placeholder(ds, 1)} ` +
          `WHERE id = ${placeholder(ds, 2)} RETURNING permission_version`,
        [this.clock.now(), SITE_ROW_ID],
      ),
    );
    if (rows.length !== 1) throw new Error('site_settings has no row: SiteService.ensure() was not called');
    return Number(rows[0]!.permission_version);
  }

  /**
   * Sets the version to `floor + 1` unless it is already above `floor`; returns the new
   * version, or null when it was already above (another instance raised it first).
   */
  async raisePermissionVersionAbove(floor: number): Promise<number | null> {
    const ds = this.repo.manager.dataSource;
    const rows = returnedRows<{ permission_version: number | string }>(
      await this.repo.query(
        `UPDATE ${quotedTable(ds, SiteSettingsEntity)} SET permission_version = ${placeholder(ds, 1)}, updated_at = ${placeholder(ds, 2)} ` +
          `WHERE id = ${placeholder(ds, 3)} AND permission_version <= ${placeholder(ds, 4)} RETURNING permission_version`,
        [floor + 1, this.clock.now(), SITE_ROW_ID, floor],
      ),
    );
    return rows.length === 1 ? Number(rows[0]!.permission_version) : null;
  }

  // ---- asked by reception and alerts: one column each --------------------------------

  /** The alert rules as stored (alerts fills in the defaults). */
  async storedAlertRules(): Promise<SiteSettingsEntity['alertRules']> {
    return (await this.repo.findOne({ select: { id: true, alertRules: true }, where: { id: SITE_ROW_ID } }))?.alertRules ?? null;
  }

  // Only this column: the permission version on the same row is raised concurrently.
  async setAlertRules(rules: NonNullable<SiteSettingsEntity['alertRules']>): Promise<void> {
    await this.repo.update({ id: SITE_ROW_ID }, { alertRules: rules, updatedAt: this.clock.now() });
  }

  // Only this column: the permission version on the same row is raised concurrently.
  async setReceptionSettings(settings: NonNullable<SiteSettingsEntity['reception']>): Promise<void> {
    await this.repo.update({ id: SITE_ROW_ID }, { reception: settings, updatedAt: this.clock.now() });
  }

  /** The lockdown in force; only this column, as the permission version on the row is raised concurrently. */
  async setLockdown(lockdown: SiteSettingsEntity['lockdown'], at: number): Promise<void> {
    await this.repo.update({ id: SITE_ROW_ID }, { lockdown, updatedAt: at });
  }

  /** The retention periods as stored (retention fills in the defaults). */
  async storedRetention(): Promise<SiteSettingsEntity['retention']> {
    return (await this.repo.findOne({ select: { id: true, retention: true }, where: { id: SITE_ROW_ID } }))?.retention ?? null;
  }

  // Only this column: the permission version on the same row is raised concurrently.
  async setRetention(retention: NonNullable<SiteSettingsEntity['retention']>): Promise<void> {
    await this.repo.update({ id: SITE_ROW_ID }, { retention, updatedAt: this.clock.now() });
  }

  /** The settings row as stored; throws TypeORM's EntityNotFoundError when there is none (the compiler never creates it). */
  storedOrFail(): Promise<SiteSettingsEntity> {
    return this.repo.findOneByOrFail({ id: SITE_ROW_ID });
  }

  /** The permission version; throws TypeORM's EntityNotFoundError when the row is missing. */
  async storedPermissionVersionOrFail(): Promise<number> {
    return (await this.repo.findOneOrFail({ select: { id: true, permissionVersion: true }, where: { id: SITE_ROW_ID } })).permissionVersion;
  }

  /** Names the site, its time zone and holidays inside the caller's transaction (the demo site). */
  async setIdentity(identity: Required<SiteSettingsPatch>, at: number, manager: EntityManager): Promise<void> {
    await manager.update(SiteSettingsEntity, { id: SITE_ROW_ID }, { ...identity, updatedAt: at });
  }

  /** The current permission version without creating the row (the sweep reads it as 0 when absent). */
  async storedPermissionVersion(): Promise<number> {
    return (await this.repo.findOne({ select: { id: true, permissionVersion: true }, where: { id: SITE_ROW_ID } }))?.permissionVersion ?? 0;
  }
}
