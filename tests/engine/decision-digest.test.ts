import { describe, expect, it } from 'vitest';
import { researchCadence } from '../../src/cadence/research-cadence.ts';
import { plan } from '../../src/engine/plan.ts';
import type { Decision } from '../../src/engine/types.ts';
import { CORPUS_SEED, CORPUS_SIZE, decisionCorpus, decisionDigest } from './decision-corpus.ts';

/**
 * Seed 18042026, 20,000 snapshots. First recorded with the engine of commit abe588d, before
 * issue 18's speed-up (1680a44c…), which left it unchanged at every step. Re-recorded with the
 * engine of commit 31098ed, still without the speed-up, after two changes meant to alter
 * decisions: issue 17 (logged attempts complete open steps, count against the caps and number
 * the titles; new close reason attempts_made) and calls outside the team's hours getting the
 * first hour of the lead's window after the team closes instead of the whole stretch. The
 * sped-up engine gives the same digest. Re-recorded again (3f0fc92c… → 1b4e944e…) for a change
 * meant to alter decisions: an attempt logged before its step's task was written does that step
 * (143 of the 20,000 decisions changed, each a track with a logged attempt and no open task).
 * And again (1b4e944e… → 86c6be35…) when call and text tasks of leads under state calling rules
 * began to carry the rules' line ("Calling rules, in Chicago time: …"): 1,327 decisions
 * changed, in task text only (timings, steps and closures identical).
 * And again (86c6be35… → bac44941…) when the rules file gained other countries' rows (Australia:
 * 537 decisions), a US lead whose state is unknown began to get every state's rule at once (259)
 * and candidate zones that share no window began to be read as their most populous group that
 * does, not the most populous zone alone (237; emails move with the lead's window).
 * And again (bac44941… → 71d903cb…) when Kentucky's row (from 10:00) joined every state's rule
 * for unknown-state leads and candidate zones began to be grouped by the window the rules
 * leave, not the contact hours alone: 338 decisions (259 with unknown-state call tasks, 79 with
 * emails alone, moved with the zones their window is read in).
 * And again (71d903cb… → 8bcbe484…) for task text a rep acts on: the default guidance no longer
 * numbers attempts (the title alone counts), and calls and texts say why they are due when they
 * are (an uncertain zone, no-call days passed, a window about to close): 9,754 decisions change,
 * in task text only (timings, steps and closures identical).
 * And again (8bcbe484… → 9197f76d…) when open tasks whose title counts attempts untruly began to be
 * retitled in place (a new list, `retitle`): the corpus's tasks gained titles numbered by their
 * step's place on its channel, derived from each snapshot without touching the seeded stream.
 * 3,651 decisions gain a retitle (4,004 tasks, each a track whose count differs from its step's
 * place: attempts logged outside the cadence, deleted or twin steps); compared decision by
 * decision with the engine before, on the corpus before, nothing else differs in any of the
 * 20,000 (the other 16,349 differ only by the empty list).
 * And again (9197f76d… → 8b650828…) when desk steps stopped falling on the public holidays of
 * the lead's country (LEAD_HOLIDAYS: days without contact): 107 decisions, each an email or
 * desk task moved off such a day (reason team_hours → moved_past_holiday), nothing else.
 * And again (8b650828… → 0d20823a…) when desk steps stopped being held to calling rules, which
 * govern calls and texts only (an email of a Texas lead no longer waits for 09:00 Texas time):
 * 408 decisions, each an email or desk task moved earlier or within its day, no call or text.
 * And again (0d20823a… → 69d0181d…) when the no-call-days line named the unknown-state rule in
 * words ("the calling rules of every US state") instead of its code: 19 decisions, text only.
 * And again (69d0181d… → 1b14c84e…) when a call due minutes after the last one that the hours
 * held past its spacing began to say so ("Not 30-60 minutes after the last call (Fri 4 Dec
 * 16:40 your time): this is the next moment your hours and the lead's calling window allow."):
 * 134 decisions (77 second calls, 57 third), that line added and nothing else.
 * And again (1b14c84e… → b1084e58…) when kept calls and texts not yet due whose due time the
 * lead's window no longer holds began to be re-timed in place (a new list, `reschedule`):
 * compared decision by decision with the engine before, 212 of the 20,000 decisions gain a
 * reschedule (212 open call tasks, each kept, not yet due and due outside the window its lead
 * has in the snapshot (the corpus's open tasks carry generated due times), moved to the window's
 * first moment after it: 109 single-zone leads without rules, 44 single-zone under US state or
 * Australian rules, 59 with several candidate zones); nothing else
 * differs in any of the 20,000 (the other 19,788 differ only by the empty list). Planned again
 * with the moved due times, none of the 212 moves again.
 * And again (b1084e58… → 06719d37…) when a call a rule's cap held past its spacing stopped
 * saying the hours held it (the "Not 30-60 minutes…" line is left out when the reason is
 * `state_cap:`): 3 decisions, that line removed and nothing else.
 * And again (06719d37… → 11538750…) when a kept call or text past due began to move too while
 * the lead's window is closed at the decision's moment (to the window's next moment, with "it is
 * past due, and the lead's calling window is closed now"): 1,539 decisions gain one reschedule
 * each, all past-due calls; nothing else differs (compared decision by decision).
 * A change that is meant to alter decisions records the new digest here and says why in its
 * commit; a speed-up must leave it as it is.
 */
const RECORDED_DIGEST = '11538750d1cf5452016b6ae56b4bc2c5076290bea32ca8769eb1662b72164d65';

/** Planning 20,000 snapshots takes seconds on a loaded 2-core machine, not milliseconds. */
const TIMEOUT = 120_000;

describe('decisions on the recorded corpus', () => {
  it(
    'are byte-identical to the recorded ones',
    () => {
      const corpus = decisionCorpus(CORPUS_SEED, CORPUS_SIZE);
      const kinds = new Set<string>();
      const digest = decisionDigest(corpus, (c) => {
        const decision: Decision = plan(c.snapshot, researchCadence, c.now, c.schedule);
        kinds.add(decision.state.status);
        for (const d of decision.create) kinds.add(d.reason.split(':')[0] ?? '');
        for (const d of decision.close) kinds.add(d.reason);
        if (decision.retitle.length > 0) kinds.add('retitle');
        if (decision.reschedule.length > 0) kinds.add('reschedule');
        return decision;
      });
      expect(corpus).toHaveLength(20_000);
      // The corpus exercises every outcome the engine has, so the digest covers them all.
      expect([...kinds].sort()).toEqual([
        'active',
        'attempts_made',
        'cadence_changed',
        'converted',
        'duplicate',
        'finished',
        'lead_closed',
        'lead_window_only',
        'moved_past_holiday',
        'opted_out',
        'overlap',
        'reached',
        'reschedule',
        'retitle',
        'state_cap',
        'stopped',
        'team_hours',
        'wrong_number',
      ]);
      expect(digest).toBe(RECORDED_DIGEST);
    },
    TIMEOUT,
  );

  it('changes when a single decision changes', () => {
    const corpus = decisionCorpus(CORPUS_SEED, 50);
    const decide = (c: (typeof corpus)[number]) =>
      plan(c.snapshot, researchCadence, c.now, c.schedule);
    const honest = decisionDigest(corpus, decide);
    const skewed = decisionDigest(corpus, (c) =>
      c === corpus[49] ? { ...decide(c), keep: ['x'] } : decide(c),
    );
    expect(skewed).not.toBe(honest);
  });
});
