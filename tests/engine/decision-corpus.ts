/**
 * A seeded corpus of varied lead snapshots and a digest of the engine's decisions on them, so
 * that an engine change meant to be a pure speed-up can prove it decides exactly as before.
 * The generator and its seed are frozen: changing either changes the recorded digest.
 */
import { createHash } from 'node:crypto';
import { researchCadence } from '../../src/cadence/research-cadence.ts';
import { loadConfig } from '../../src/config/config.ts';
import { scheduleFrom } from '../../src/config/schedule.ts';
import { taskTitle } from '../../src/engine/task-title.ts';
import type {
  Activity,
  CadenceTask,
  Channel,
  Decision,
  LeadJurisdiction,
  LeadSnapshot,
  Outcome,
  Schedule,
  TaskStatus,
} from '../../src/engine/types.ts';
import { CHANNELS, OUTCOMES_BY_CHANNEL, REACHED_OUTCOMES } from '../../src/engine/types.ts';
import { type LeadWhereabouts, resolveLead } from '../../src/timezone/lead-jurisdiction.ts';
import { seededRandom } from '../emulators/emulator-kit.ts';

export const CORPUS_SEED = 18_042_026;
export const CORPUS_SIZE = 20_000;

/** Teams in DST zones of both hemispheres and without DST, with holidays and odd hours. */
const TEAMS: readonly Record<string, string>[] = [
  { TIMEZONE: 'America/New_York', HOLIDAYS: 'US', LEAD_CONTACT_HOURS: '08:00-20:00' },
  { TIMEZONE: 'Europe/Berlin', HOLIDAYS: 'DE-BY,2026-12-24' },
  {
    TIMEZONE: 'Asia/Tokyo',
    HOLIDAYS: 'JP',
    BUSINESS_HOURS: 'Mon-Fri 09:00-12:00,13:00-18:00',
    LEAD_HOLIDAYS: 'false',
  },
  {
    TIMEZONE: 'Australia/Sydney',
    HOLIDAYS: 'AU-NSW',
    BUSINESS_HOURS: 'Mon-Sat 07:00-22:00',
    LEAD_CONTACT_HOURS: 'Mon-Fri 09:00-21:00; Sat 10:00-14:00',
  },
];

/** What CRMs tell about where a lead is: zones, phones, countries and US states. */
const WHEREABOUTS: readonly LeadWhereabouts[] = [
  { timezone: 'America/New_York' },
  { timezone: 'America/Santiago' },
  { timezone: 'Asia/Kathmandu' },
  { timezone: 'Pacific/Auckland' },
  { phone: '+1 305 555 0100' },
  { phone: '+1 405 555 0100', country: 'US' },
  { country: 'US', state: 'MD' },
  { country: 'US', state: 'Louisiana' },
  { country: 'US' },
  { phone: '+1 212 555 0100', state: 'FL' },
  { phone: '+61 2 9374 4000' },
  { country: 'AU' },
  { country: 'GB', phone: '+44 20 7946 0958' },
  { phone: '+91 22 2266 0000' },
  { country: 'Brazil' },
  { timezone: 'Europe/London', country: 'GB' },
  {},
];

export interface CorpusCase {
  readonly snapshot: LeadSnapshot;
  readonly now: number;
  readonly schedule: Schedule;
}

function teams(): { schedule: Schedule; jurisdictions: LeadJurisdiction[]; zones: string[] }[] {
  return TEAMS.map((env) => {
    const loaded = loadConfig(env);
    if (!loaded.ok) throw new Error(loaded.message);
    const { config } = loaded;
    const context = {
      teamZone: config.timezone,
      at: Date.parse('2026-01-01T00:00:00Z'),
      contactHours: config.leadContactHours,
      callingRules: config.callingRules,
    };
    const resolved = WHEREABOUTS.map((w) => resolveLead(w, context));
    return {
      schedule: scheduleFrom(config),
      jurisdictions: resolved.map((r) => r.jurisdiction),
      zones: resolved.map((r) => r.zone),
    };
  });
}

const START = Date.parse('2026-01-01T00:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

/** A snapshot's tasks: steps done in every status, twins, strays, other owners and cadences. */
function tasksFor(i: number, created: number, random: () => number): CadenceTask[] {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const steps = Math.floor(random() * (researchCadence.steps.length + 2));
  const tasks: CadenceTask[] = [];
  for (let k = 0; k < steps && k < researchCadence.steps.length; k++) {
    if (random() < 0.05) continue; // deleted in the CRM
    const step = researchCadence.steps[k];
    if (!step) continue;
    const roll = random();
    const status: TaskStatus = roll < 0.75 ? 'completed' : roll < 0.9 ? 'open' : 'closed';
    const at = created + Math.floor(k * random() * 3 * 24 * 60 + random() * 600) * 60_000;
    const outcomes = outcomesOf(step.channel, random);
    const copies = status === 'open' && random() < 0.1 ? 2 : 1;
    for (let c = 0; c < copies; c++) {
      tasks.push({
        id: `t${i}-${k}-${c}`,
        cadenceId: random() < 0.03 ? 'old-cadence' : researchCadence.id,
        step: k + 1,
        channel: random() < 0.02 ? pick(CHANNELS) : step.channel,
        status,
        createdAt: iso(at - HOUR + c * 1000),
        dueAt: iso(at),
        ...(status === 'open' ? {} : { doneAt: iso(at + Math.floor(random() * 90) * 60_000) }),
        ...(status === 'completed' ? { outcome: pick(outcomes) } : {}),
        ...(random() < 0.3 ? { ownerId: pick(['rep-1', 'rep-2']) } : {}),
      });
    }
  }
  return tasks;
}

/** A channel's outcomes; those that reach the lead (and end its cadence) only now and then. */
function outcomesOf(channel: Channel, random: () => number): readonly Outcome[] {
  if (random() < 0.04) return OUTCOMES_BY_CHANNEL[channel];
  return OUTCOMES_BY_CHANNEL[channel].filter((o) => !REACHED_OUTCOMES.has(o));
}

function activitiesFor(created: number, random: () => number): Activity[] {
  const count = random() < 0.6 ? 0 : Math.floor(random() * 4);
  return Array.from({ length: count }, () => {
    const channel = CHANNELS[Math.floor(random() * CHANNELS.length)] as Channel;
    const outcomes = outcomesOf(channel, random);
    const outcome = outcomes[Math.floor(random() * outcomes.length)] as Activity['outcome'];
    return { channel, at: iso(created + Math.floor(random() * 20 * DAY)), outcome };
  });
}

/** The corpus: `size` snapshots with the instant and team each is planned at. */
export function decisionCorpus(seed = CORPUS_SEED, size = CORPUS_SIZE): CorpusCase[] {
  const random = seededRandom(seed);
  const all = teams();
  return Array.from({ length: size }, (_, i) => {
    const team = all[Math.floor(random() * all.length)] as (typeof all)[number];
    const w = Math.floor(random() * WHEREABOUTS.length);
    // Minute-aligned arrival across 14 months, so DST changes of every zone are crossed.
    const created = START + Math.floor(random() * 420 * 24 * 60) * 60_000;
    const tasks = tasksFor(i, created, random);
    const optedOut = CHANNELS.filter(() => random() < 0.06);
    const snapshot: LeadSnapshot = {
      lead: {
        id: `lead-${i}`,
        name: `Lead ${i}`,
        ...(random() < 0.5 ? { company: `Company ${i % 97}` } : {}),
        ...(random() < 0.6 ? { ownerId: random() < 0.5 ? 'rep-1' : 'rep-3' } : {}),
        createdAt: iso(created),
        timezone: team.zones[w] as string,
        isOpen: random() > 0.08,
        converted: random() < 0.03,
        optedOut,
        ...(random() < 0.9 ? { jurisdiction: team.jurisdictions[w] } : {}),
      },
      tasks,
      activities: activitiesFor(created, random),
    };
    const now = created + Math.floor(random() * 30 * DAY);
    return { snapshot: titled(snapshot), now, schedule: team.schedule };
  });
}

/**
 * Every task titled as if its step's place on its channel were the attempt it is ("Call 2 of 6"
 * for the second call step), as titles read before logged attempts were counted: a track with
 * a deleted step or an attempt logged outside the cadence holds an untrue count. Derived from
 * the snapshot alone, so the seeded stream (and every other input) is as it was.
 */
function titled(snapshot: LeadSnapshot): LeadSnapshot {
  const { lead } = snapshot;
  const who = lead.company ? `${lead.name} (${lead.company})` : lead.name;
  const tasks = snapshot.tasks.map((task) => {
    const on = researchCadence.steps.flatMap((s, k) => (s.channel === task.channel ? [k + 1] : []));
    const position = { nth: on.indexOf(task.step) + 1, of: on.length };
    return position.nth === 0 ? task : { ...task, title: taskTitle(task.channel, position, who) };
  });
  return { ...snapshot, tasks };
}

/** JSON with object keys sorted, so the digest depends on values, not on key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** sha256 over the canonical JSON of every decision, one line each, in corpus order. */
export function decisionDigest(
  corpus: readonly CorpusCase[],
  decide: (c: CorpusCase) => Decision,
): string {
  const hash = createHash('sha256');
  for (const c of corpus) hash.update(`${canonicalJson(decide(c))}\n`);
  return hash.digest('hex');
}
