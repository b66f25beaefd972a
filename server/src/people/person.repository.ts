import { Injectable, Module } from '@nestjs/common';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { Between, type EntityManager, In, IsNull, MoreThanOrEqual, Not, type QueryDeepPartialEntity, type Repository } from 'typeorm';
import { readPaged, sliced } from '../database/paged-rows.js';
import { quotedTable } from '../database/raw-sql.js';
import { PersonEntity } from './person.entity.js';

/**
 * The people table as other domains may use it: narrowly named queries, never the table.
 * A module of its own with no imports, so domains that people also refers to (grants, zones,
 * departments…) can use it without a module cycle. Methods that take an EntityManager run
 * inside the caller's transaction.
 */
@Injectable()
export class PersonRepository {
  constructor(@InjectRepository(PersonEntity) private readonly people: Repository<PersonEntity>) {}

  private table(manager?: EntityManager): Repository<PersonEntity> {
    return manager ? manager.getRepository(PersonEntity) : this.people;
  }

  /**
   * The names of the people among `ids`, as plain rows: the whole table is read in pages and
   * filtered here (what the permission compiler does for 100,000s of card holders).
   */
  async rawNamesOf(ids: ReadonlySet<string>): Promise<Map<string, PersonEntity>> {
    const holders = new Map<string, PersonEntity>();
    if (ids.size === 0) return holders;
    const ds = this.people.manager.connection;
    const rows = (await readPaged(ds, 'id, name', quotedTable(ds, PersonEntity), '1 = 1')) as Array<{ id: string; name: string }>;
    await sliced(rows, (r) => {
      if (ids.has(r.id)) holders.set(r.id, { id: r.id, name: r.name } as PersonEntity);
    });
    return holders;
  }

  /** Departed people, newest departure first; from `from` when given, else every departure. */
  departedSince(from?: number): Promise<PersonEntity[]> {
    return this.people.find({
      where: { status: 'departed', departedAt: from !== undefined ? MoreThanOrEqual(from) : Not(IsNull()) },
      order: { departedAt: 'DESC' },
    });
  }

  /** People who departed in the period. */
  departedBetween(from: number, to: number): Promise<PersonEntity[]> {
    return this.people.find({ where: { departedAt: Between(from, to) } });
  }

  count(): Promise<number> {
    return this.people.count();
  }

  findById(id: string, manager?: EntityManager): Promise<PersonEntity | null> {
    return this.table(manager).findOneBy({ id });
  }

  exists(id: string): Promise<boolean> {
    return this.people.existsBy({ id });
  }

  findByIds(ids: readonly string[]): Promise<PersonEntity[]> {
    return ids.length ? this.people.findBy({ id: In([...ids]) }) : Promise.resolve([]);
  }

  /** Names of the people named, read 500 at a time. */
  async namesOf(ids: Iterable<string>): Promise<Map<string, string>> {
    const wanted = [...new Set(ids)];
    const names = new Map<string, string>();
    for (let i = 0; i < wanted.length; i += 500) {
      for (const p of await this.people.find({ select: { id: true, name: true }, where: { id: In(wanted.slice(i, i + 500)) } }))
        names.set(p.id, p.name);
    }
    return names;
  }

  /** Names of the people named, in one read (callers with short lists). */
  async namesOfFew(ids: Iterable<string>): Promise<Pick<PersonEntity, 'id' | 'name'>[]> {
    return this.people.find({ select: { id: true, name: true }, where: { id: In([...new Set(ids)]) } });
  }

  /** Department and status of everyone, to count members per department. */
  departmentMemberships(): Promise<Pick<PersonEntity, 'id' | 'department' | 'status'>[]> {
    return this.people.find({ select: { id: true, department: true, status: true } });
  }

  countActiveMembers(department: string): Promise<number> {
    return this.people.countBy({ department, status: 'active' });
  }

  /** A department was renamed: its people follow (entity saves, so each change is recorded). */
  async renameDepartment(oldName: string, newName: string, at: number, manager: EntityManager): Promise<void> {
    const people = manager.getRepository(PersonEntity);
    for (const person of await people.findBy({ department: oldName })) {
      person.department = newName;
      person.updatedAt = at;
      await people.save(person);
    }
  }

  /** Adds a person inside the caller's transaction (the demo site). */
  async insertRow(row: QueryDeepPartialEntity<PersonEntity>, manager: EntityManager): Promise<void> {
    await manager.insert(PersonEntity, row);
  }
}

@Module({ imports: [TypeOrmModule.forFeature([PersonEntity])], providers: [PersonRepository], exports: [PersonRepository] })
export class PersonRepositoryModule {}
