import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { MACHINE_SECRET_SCRYPT_PARAMS, PasswordHasher, randomSecret } from '../auth/password-hasher.js';
import { conflict } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { isUniqueViolation } from '../common/db-errors.js';
import { AgentEntity } from './agent.entity.js';

/** Successful MQTT password checks are remembered this long, so reconnect storms stay cheap. */
const VERIFIED_CACHE_MS = 60_000;

/**
 * Each agent's own MQTT credentials (docs/security.md#agents-and-the-broker): a random password shown once,
 * stored as a scrypt hash. Used by the REST API, the embedded broker and the CLI.
 */
@Injectable()
export class AgentCredentialsService {
  private readonly verified = new Map<string, { digest: string; until: number }>();
  /** For the random secrets made here; a password an operator chose gets the people's hasher. */
  private readonly randomSecretHasher = new PasswordHasher(MACHINE_SECRET_SCRYPT_PARAMS);

  constructor(
    @InjectRepository(AgentEntity) private readonly repo: Repository<AgentEntity>,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
  ) {}

  /** Registers an agent and returns its new MQTT password (the only time it is visible). */
  async create(id: string, name: string, given?: string): Promise<{ agent: AgentEntity; mqttPassword: string }> {
    if (await this.repo.existsBy({ id })) throw conflict(`agent ${id} already exists`);
    const password = given ?? randomSecret();
    const hasher = given === undefined ? this.randomSecretHasher : this.hasher;
    const agent = this.repo.create({
      id,
      name: name.trim() || id,
      mqttPasswordHash: await hasher.hash(password),
      online: false,
      lastSeenAt: null,
      softwareVersion: null,
      appliedVersion: null,
      appliedHash: null,
      appliedAt: null,
      hashMatches: null,
      contiguousSeq: 0,
      createdAt: this.clock.now(),
    });
    try {
      await this.repo.insert(agent);
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`agent ${id} already exists`);
      throw err;
    }
    return { agent, mqttPassword: password };
  }

  async setPassword(id: string, password: string): Promise<void> {
    await this.repo.update({ id }, { mqttPasswordHash: await this.hasher.hash(password) });
    this.verified.delete(id);
  }

  async verify(id: string, password: string): Promise<boolean> {
    const digest = createHash('sha256').update(password).digest('hex');
    const cached = this.verified.get(id);
    const now = this.clock.now();
    if (cached && cached.until > now && cached.digest === digest) return true;
    const agent = await this.repo.findOne({ select: { id: true, mqttPasswordHash: true }, where: { id } });
    if (!agent) return false;
    const ok = await this.hasher.verify(password, agent.mqttPasswordHash);
    if (ok) this.verified.set(id, { digest, until: now + VERIFIED_CACHE_MS });
    return ok;
  }
}
