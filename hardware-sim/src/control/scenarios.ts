/**
 * Scripted scenarios for `acs-sim scenario <name|file.json>`: steps against the running
 * simulated agents' control servers, each with the outcome it expects. Built in: `day`, a
 * day at the demo site. A JSON file holds `{ "steps": [...] }` of the same step shapes.
 */
import { z } from 'zod';
import { DOOR_ACTIONS } from './control-server.js';
import { READER_ACTIONS } from '../sim-hardware.js';

export const scenarioStepSchema = z.discriminatedUnion('do', [
  z.strictObject({
    do: z.literal('badge'),
    door: z.string().min(1),
    card: z.string().min(1).max(64),
    direction: z.enum(['in', 'out']).default('in'),
    /** true: the lock must release; false: it must not; absent: report only. */
    expectRelease: z.boolean().optional(),
    note: z.string().max(200).optional(),
  }),
  z.strictObject({ do: z.literal('door'), door: z.string().min(1), action: z.enum(DOOR_ACTIONS), note: z.string().max(200).optional() }),
  z.strictObject({
    do: z.literal('reader'),
    door: z.string().min(1),
    direction: z.enum(['in', 'out']).default('in'),
    action: z.enum(READER_ACTIONS),
    note: z.string().max(200).optional(),
  }),
  z.strictObject({ do: z.literal('wait'), ms: z.number().int().min(0).max(600_000), note: z.string().max(200).optional() }),
]);
export type ScenarioStep = z.infer<typeof scenarioStepSchema>;

export const scenarioSchema = z.strictObject({ steps: z.array(scenarioStepSchema).min(1).max(10_000) });

/** A reader ignores the same card presented again at once; steps that repeat a card wait this long. */
const DEBOUNCE_GAP_MS = 1100;

/** A day at the demo site (door ids and cards of `npm start`). */
export const DAY_AT_THE_SITE: ScenarioStep[] = [
  {
    do: 'badge',
    door: 'office-gate',
    card: '5550001',
    direction: 'in',
    expectRelease: false,
    note: '08:50 a visitor alone at the office gate: escort required',
  },
  {
    do: 'badge',
    door: 'office-gate',
    card: '3887558',
    direction: 'in',
    expectRelease: true,
    note: '08:55 Zhang Wei arrives and escorts the visitor',
  },
  { do: 'wait', ms: DEBOUNCE_GAP_MS },
  { do: 'badge', door: 'office-gate', card: '5550001', direction: 'in', expectRelease: true, note: 'the visitor follows the escort' },
  { do: 'badge', door: 'lab', card: '3887558', direction: 'in', expectRelease: true, note: 'Zhang Wei goes to the lab' },
  {
    do: 'badge',
    door: 'machine-room',
    card: '7654321',
    direction: 'in',
    expectRelease: false,
    note: 'a contractor tries the machine room: L3 is above the contractor ceiling',
  },
  {
    do: 'badge',
    door: 'machine-room',
    card: '3887558',
    direction: 'in',
    expectRelease: false,
    note: 'Zhang Wei alone at the machine room: two-person rule, waits for a second person',
  },
  { do: 'badge', door: 'lab', card: '9990001', direction: 'in', expectRelease: false, note: 'a suspended card' },
  { do: 'wait', ms: DEBOUNCE_GAP_MS },
  { do: 'badge', door: 'lab', card: '3887558', direction: 'in', expectRelease: true, note: 'tailgate: Zhang Wei opens the lab…' },
  {
    do: 'door',
    door: 'lab',
    action: 'open',
    note: '…and a second person slips in behind him: one badge, one opening (no people counter in the demo)',
  },
  { do: 'wait', ms: 500 },
  { do: 'door', door: 'lab', action: 'close' },
  { do: 'door', door: 'machine-room', action: 'force', note: 'the machine room door is forced open' },
  { do: 'wait', ms: 300 },
  { do: 'door', door: 'machine-room', action: 'close' },
  { do: 'door', door: 'office-gate', action: 'exit', note: 'someone leaves with the exit button: no alarm' },
];

export const BUILT_IN_SCENARIOS: Readonly<Record<string, ScenarioStep[]>> = { day: DAY_AT_THE_SITE };
