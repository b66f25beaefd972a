import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { strToU8, zipSync } from 'fflate';
import type { AlertType } from '@acs/shared/api/alerts';
import type { AuditVerifyView } from '@acs/shared/api/audit';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { invalid } from '../common/api-exception.js';
import { Clock } from '../common/clock.js';
import { formatSiteTime } from '../common/csv.js';
import { SERVER_CONFIG, type ServerConfig } from '../config/server-config.js';
import { SiteService } from '../site/site.service.js';
import { CONTROLS, type ControlId, type Fact, type Lang } from './controls.js';
import { EvidenceSources } from './evidence-sources.js';

const MAX_PERIOD_MS = 3 * 366 * 86_400_000;

/**
 * The ISO/IEC 27001:2022 evidence pack (docs/product-rules.md#evidence-pack): for a chosen period, one file per Annex A
 * control the system supports, in English and in Chinese (GB/T 22080-2025 keeps the same
 * numbering), each stating what the system enforces and the period's figures read from the
 * records, and each ending with the audit chain's verification. A manifest lists every
 * file's SHA-256 so an auditor can check nothing was altered after it was produced.
 */
@Injectable()
export class EvidenceService {
  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    private readonly audit: AuditService,
    private readonly site: SiteService,
    private readonly clock: Clock,
    private readonly records: EvidenceSources,
  ) {}

  async pack(from: number, to: number, actor: Actor): Promise<{ filename: string; zip: Buffer; manifest: Record<string, string> }> {
    if (to <= from) throw invalid('to must be after from');
    if (to - from > MAX_PERIOD_MS) throw invalid('the period is at most three years');
    const site = await this.site.get();
    const tz = site.timeZone;
    const verification = await this.audit.verify();
    const facts = await this.facts(from, to);
    const generatedAt = this.clock.now();
    const files: Record<string, string> = {};
    for (const lang of ['en', 'zh-CN'] as const) {
      for (const control of CONTROLS) {
        files[`${lang}/A.${control.id}.md`] = this.render(control.id, lang, facts[control.id], verification, {
          from,
          to,
          tz,
          generatedAt,
          site: site.name,
          by: actor.displayName || actor.username,
        });
      }
    }
    const manifest: Record<string, string> = {};
    for (const [name, text] of Object.entries(files)) manifest[name] = createHash('sha256').update(text, 'utf8').digest('hex');
    const index = this.index(manifest, verification, {
      from,
      to,
      tz,
      generatedAt,
      site: site.name,
      by: actor.displayName || actor.username,
    });
    const zip = zipSync({
      ...Object.fromEntries(Object.entries(files).map(([name, text]) => [name, strToU8(text)])),
      'manifest.json': strToU8(
        `${JSON.stringify({ algorithm: 'SHA-256', generatedAt: new Date(generatedAt).toISOString(), period: { from: new Date(from).toISOString(), to: new Date(to).toISOString() }, auditChain: verification, files: manifest }, null, 2)}\n`,
      ),
      'README.md': strToU8(index),
    });
    const packHash = createHash('sha256').update(zip).digest('hex');
    await this.audit.record({
      action: 'evidence.export',
      entityType: 'evidence_pack',
      entityId: null,
      detail: `${formatSiteTime(from, tz)} – ${formatSiteTime(to, tz)}: ${Object.keys(files).length} files, audit chain ${verification.ok ? 'intact' : 'BROKEN'}, sha256 ${packHash}`,
    });
    const day = (ms: number) => formatSiteTime(ms, tz).slice(0, 10);
    return { filename: `iso27001-evidence-${day(from)}-${day(to)}.zip`, zip: Buffer.from(zip), manifest };
  }

  private render(id: ControlId, lang: Lang, facts: Fact[], v: AuditVerifyView, meta: Meta): string {
    const control = CONTROLS.find((c) => c.id === id)!;
    const zh = lang === 'zh-CN';
    const time = (ms: number) => `${formatSiteTime(ms, meta.tz)} (${meta.tz})`;
    const lines = [
      `# ${zh ? 'ISO/IEC 27001:2022（GB/T 22080）附录A' : 'ISO/IEC 27001:2022 (GB/T 22080) Annex A'} ${control.id} — ${control.title[lang]}`,
      '',
      `${zh ? '站点' : 'Site'}: ${meta.site}`,
      `${zh ? '期间' : 'Period'}: ${time(meta.from)} – ${time(meta.to)}`,
      `${zh ? '生成' : 'Generated'}: ${time(meta.generatedAt)} ${zh ? '由' : 'by'} ${meta.by}`,
      '',
      `## ${zh ? '系统如何落实该控制' : 'How the system implements the control'}`,
      '',
      ...control.measures[lang].map((m) => `- ${m}`),
      '',
      `## ${zh ? '本期证据（取自系统记录）' : 'Evidence for the period (read from the records)'}`,
      '',
      `| ${zh ? '项目' : 'Item'} | ${zh ? '数值' : 'Value'} |`,
      '|---|---|',
      ...facts.map((f) => `| ${f.label[lang]} | ${f.value} |`),
      '',
      `## ${zh ? '审计链验证' : 'Audit chain verification'}`,
      '',
      v.ok
        ? zh
          ? `审计日志哈希链完整：已校验 ${v.checked} 条，最后序号 ${v.lastSeq}。`
          : `The audit log's hash chain is intact: ${v.checked} entries checked, last sequence number ${v.lastSeq}.`
        : zh
          ? `审计日志哈希链**已损坏**：第 ${v.firstBadSeq} 条起不一致（${v.reason ?? ''}）。`
          : `The audit log's hash chain is **BROKEN** from entry ${v.firstBadSeq} (${v.reason ?? ''}).`,
      '',
      zh ? '本文件的 SHA-256 哈希见压缩包内 manifest.json。' : "This file's SHA-256 is listed in the pack's manifest.json.",
      '',
    ];
    return lines.join('\n');
  }

  private index(manifest: Record<string, string>, v: AuditVerifyView, meta: Meta): string {
    const time = (ms: number) => `${formatSiteTime(ms, meta.tz)} (${meta.tz})`;
    return [
      `# ISO/IEC 27001:2022 evidence pack · ISO/IEC 27001:2022 证据包`,
      '',
      `Site 站点: ${meta.site}`,
      `Period 期间: ${time(meta.from)} – ${time(meta.to)}`,
      `Generated 生成: ${time(meta.generatedAt)} by 由 ${meta.by}`,
      `Audit chain 审计链: ${v.ok ? `intact 完整 (${v.checked} entries 条, last 最后 #${v.lastSeq})` : `BROKEN 已损坏 from 自 #${v.firstBadSeq}`}`,
      '',
      '| File 文件 | SHA-256 |',
      '|---|---|',
      ...Object.entries(manifest).map(([name, hash]) => `| ${name} | \`${hash}\` |`),
      '',
      'Check 校验: `sha256sum en/*.md zh-CN/*.md` and compare with manifest.json 并与 manifest.json 对照.',
      '',
    ].join('\n');
  }

  /** The period's figures per control, read from the records. */
  private async facts(from: number, to: number): Promise<Record<ControlId, Fact[]>> {
    const records = this.records;
    const fact = (en: string, zh: string, value: string | number): Fact => ({ label: { en, 'zh-CN': zh }, value: String(value) });
    const zones = await records.zones.all();
    const byLevel = [0, 1, 2, 3].map((l) => `L${l}: ${zones.filter((z) => z.level === l).length}`).join(', ');
    const auditIn = (actions: string[]) => this.audit.countBetween(from, to, actions);
    const alertsOf = (types: AlertType[]) => records.alerts.countRaisedBetween(from, to, types);
    const events = await records.events.countAccessDecisionsBetween(from, to);
    const denied = await records.events.countAccessDecisionsBetween(from, to, true);
    const departed = await records.people.departedBetween(from, to);
    const users = await records.users.roles();
    const readers = await records.readers.all();
    const acks = await records.alerts.acknowledgedTimes(from, to);
    const mtta = acks.length
      ? `${(acks.reduce((a, r) => a + (r.acknowledgedAt! - r.firstAt), 0) / acks.length / 60_000).toFixed(1)} min`
      : '—';
    const visits = await records.visits.checkedInBetween(from, to);
    const passes = await records.gatePasses.requestedBetween(from, to);
    const agentCount = await records.agents.count();
    const auditCount = await this.audit.countBetween(from, to);
    return {
      '5.15': [
        fact('Zones by level', '各级区域数', byLevel),
        fact('Active grants', '有效授权', await records.grants.countLive()),
        fact('Access decisions at doors', '门禁判定次数', events),
        fact('Of which denied', '其中拒绝', denied),
        fact('Two-person zones', '双人规则区域', zones.filter((z) => z.twoPerson).length),
      ],
      '5.16': [
        fact('People registered', '登记人员', await records.people.count()),
        fact('Leavers in the period', '本期离职人员', departed.length),
        fact('Cards issued in the period', '本期发卡', await records.cards.countIssuedBetween(from, to)),
        fact(
          'Cards revoked, lost or suspended in the period',
          '本期撤销、挂失或暂停的卡',
          await records.cards.countEnteredStatusBetween(['revoked', 'lost', 'suspended'], from, to),
        ),
      ],
      '5.17': [
        fact(
          'Sign-in accounts by role',
          '各角色账号',
          ['admin', 'guard', 'employee', 'auditor'].map((r) => `${r}: ${users.filter((u) => u.role === r).length}`).join(', '),
        ),
        fact('Minimum password length', '最短密码长度', this.config.passwordMinLength),
        fact(
          'Session idle timeout / maximum',
          '会话空闲超时 / 最长时长',
          `${this.config.sessionTtlMinutes} min / ${this.config.sessionMaxHours} h`,
        ),
        fact('Failed sign-ins in the period', '本期登录失败', await auditIn(['auth.sign_in_failed'])),
        fact('OSDP readers reported', '已上报的 OSDP 读卡器', readers.filter((r) => r.type === 'osdp' || r.osdp !== null).length),
        fact(
          'Reader key operations in the period',
          '本期读卡器密钥操作',
          await this.audit.countWithActionPrefixBetween('reader.', from, to),
        ),
      ],
      '5.18': [
        fact('Access requests decided in the period', '本期已决定的访问申请', await records.accessRequests.countDecidedBetween(from, to)),
        fact(
          'Access review campaigns started in the period',
          '本期发起的访问审查',
          await records.reviewCampaigns.countStartedBetween(from, to),
        ),
        fact(
          'Leavers whose access was revoked at every agent',
          '权限已在所有代理撤销的离职人员',
          departed.filter((p) => p.departureVersion !== null).length,
        ),
      ],
      '7.1': [
        fact('Doors', '门', await records.doors.count()),
        fact('Door forced open (alerts)', '强行开门告警', await alertsOf(['door_forced'])),
        fact('Door held open (alerts)', '门长时间未关告警', await alertsOf(['door_held_open'])),
      ],
      '7.2': [
        fact('Visits checked in during the period', '本期入场访客', visits.length),
        fact(
          'Visits without an exit time',
          '无离场时间的访客记录',
          visits.filter((v) => v.status !== 'on_site' && v.signedOutAt === null).length,
        ),
        fact(
          'End-of-day sign-outs (all with a reason)',
          '日终自动离场（均有原因）',
          `${visits.filter((v) => v.signoutKind === 'end_of_day').length} (${visits.filter((v) => v.signoutKind === 'end_of_day' && !v.signoutReason).length} without reason)`,
        ),
        fact('Watch-list matches', '关注名单匹配', await alertsOf(['watchlist_match'])),
        fact('Escort violations', '无陪同告警', await alertsOf(['escort_violation'])),
      ],
      '7.3': [
        fact('L2/L3 zones', 'L2/L3 区域', zones.filter((z) => z.level >= 2).length),
        fact('Lockdowns started in the period', '本期封锁次数', await auditIn(['lockdown.start'])),
        fact('Anti-passback violations', '防回传告警', await alertsOf(['anti_passback'])),
      ],
      '7.4': [
        fact('Alerts raised in the period', '本期告警', await records.alerts.countRaisedBetween(from, to)),
        fact('Mean time to acknowledge', '平均确认用时', mtta),
        fact('Escalated alerts', '升级告警', await records.alerts.countEscalatedRaisedBetween(from, to)),
        fact(
          'Incidents opened / closed',
          '事件 新建 / 关闭',
          `${await records.incidents.countOpenedBetween(from, to)} / ${await records.incidents.countClosedBetween(from, to)}`,
        ),
      ],
      '7.9': [
        fact('Gate passes requested in the period', '本期门条申请', passes.length),
        fact(
          'Returnable passes out / overdue',
          '可返还门条 外出 / 逾期',
          `${passes.filter((p) => p.status === 'out').length} / ${passes.filter((p) => p.overdueAt !== null).length}`,
        ),
        fact('Items stopped at the checkpoint', '检查点拦截', await records.equipment.countMovementsBetween('stopped', from, to)),
      ],
      '7.10': [
        fact('Storage media registered', '登记的存储介质', await records.equipment.countOfKind('storage_medium')),
        fact(
          'Unregistered media into L2/L3 (violations)',
          '未登记介质进入 L2/L3（违规）',
          await records.equipment.countMovementsBetween('media_violation', from, to),
        ),
      ],
      '7.13': [
        fact(
          'Repair passes / with recorded data handling',
          '维修门条 / 已记录数据处理',
          `${passes.filter((p) => p.type === 'repair').length} / ${passes.filter((p) => p.type === 'repair' && p.dataHandling).length}`,
        ),
        fact(
          'Returned to service after a check',
          '检查后恢复使用',
          await records.equipment.countMovementsBetween('returned_to_service', from, to),
        ),
        fact(
          'Seals applied / broken',
          '封条 加封 / 破损',
          `${await records.seals.countAppliedBetween(from, to)} / ${await records.seals.countFoundBrokenBetween(from, to)}`,
        ),
      ],
      '7.14': [
        fact(
          'Disposal and non-returnable passes',
          '报废与不返还门条',
          passes.filter((p) => p.type === 'disposal' || p.type === 'non_returnable').length,
        ),
        fact(
          'Of which with recorded data handling',
          '其中已记录数据处理',
          passes.filter((p) => (p.type === 'disposal' || p.type === 'non_returnable') && p.dataHandling).length,
        ),
      ],
      '8.15': [
        fact('Audit log entries in the period', '本期审计日志条目', auditCount),
        fact('Door events stored in the period', '本期存储的门禁事件', await records.events.countBetween(from, to)),
        fact('Evidence exports in the period', '本期证据导出', await auditIn(['evidence.export', 'report.export'])),
      ],
      '8.17': [
        fact('Site time zone', '站点时区', (await this.site.get()).timeZone),
        fact('Door controllers', '门控制器', agentCount),
        fact('Clock drift alerts in the period', '本期时钟偏差告警', await alertsOf(['clock_drift'])),
      ],
    };
  }
}

interface Meta {
  from: number;
  to: number;
  tz: string;
  generatedAt: number;
  site: string;
  by: string;
}
