/**
 * The start-up check of the configured lead statuses against the CRM's own picklist. A status
 * the CRM does not have (a typo, a label instead of the internal value) is silent otherwise:
 * every lead whose status is not in the open set counts as closed, gets no tasks, and loses
 * its open ones.
 */

/** One value of a CRM's lead-status picklist, as the CRM describes it. */
export interface StatusOption {
  /** What a lead holds and the variables name (HubSpot's internal value, Salesforce's API name). */
  readonly value: string;
  /** What people see in the CRM; may differ from the value. */
  readonly label: string;
  /** Hidden (HubSpot) or inactive (Salesforce): leads may hold it, none can be given it now. */
  readonly retired: boolean;
}

export interface StatusPicklist {
  /** How messages name it: `HubSpot's contact property hs_lead_status`. */
  readonly name: string;
  /** What the CRM calls a retired value: `hidden`, `inactive`. */
  readonly retiredAs: string;
  readonly options: readonly StatusOption[];
}

/** A configured list of statuses under the variable that sets it. */
export interface ConfiguredStatuses {
  readonly variable: string;
  readonly statuses: readonly string[];
}

/** What start-up does with the check: stop on `problems`, log `warnings` and serve. */
export interface StartReport {
  readonly problems: readonly string[];
  readonly warnings: readonly string[];
}

/** Values shown in a message at most; a picklist may hold a thousand. */
const SHOWN = 40;
const DETAIL = 300;

const quoted = (values: readonly string[]) => {
  const shown = values.slice(0, SHOWN).map((v) => JSON.stringify(v));
  const more = values.length - shown.length;
  return `${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
};

/** A configured status that names an option by its label instead of its value. */
function labelHint(status: string, options: readonly StatusOption[]): string | undefined {
  const folded = status.toLowerCase();
  const option = options.find(
    (o) => o.label.toLowerCase() === folded && o.value.toLowerCase() !== folded,
  );
  return option && `${JSON.stringify(status)} is the label of ${JSON.stringify(option.value)}`;
}

/**
 * Compares each configured status with the picklist, without case as the mappings compare them
 * (crm-mapping.ts). A status the picklist lacks is a problem naming the variable, the status and
 * the values the CRM has. A retired one is a warning only: leads may still hold it, and dropping
 * it from the variable would make exactly those leads count as closed.
 */
export function checkStatuses(
  picklist: StatusPicklist,
  configured: readonly ConfiguredStatuses[],
): StartReport {
  const byValue = new Map(picklist.options.map((o) => [o.value.toLowerCase(), o]));
  const offered = picklist.options.filter((o) => !o.retired).map((o) => o.value);
  const problems: string[] = [];
  const warnings: string[] = [];
  for (const { variable, statuses } of configured) {
    const unknown = statuses.filter((s) => !byValue.has(s.toLowerCase()));
    const retired = statuses.filter((s) => byValue.get(s.toLowerCase())?.retired);
    if (unknown.length > 0) {
      const hints = unknown.flatMap((s) => labelHint(s, picklist.options) ?? []);
      problems.push(
        `${variable}: ${quoted(unknown)} ${unknown.length === 1 ? 'is not a value' : 'are not values'} of ${picklist.name}, whose values are ${quoted(offered)} (compared without case)${hints.length > 0 ? `; ${hints.join('; ')}` : ''}`,
      );
    }
    if (retired.length > 0) {
      warnings.push(
        `${variable}: ${quoted(retired)} ${retired.length === 1 ? 'is' : 'are'} ${picklist.retiredAs} in ${picklist.name}: leads that still hold ${retired.length === 1 ? 'it' : 'them'} are read with ${retired.length === 1 ? 'it' : 'them'}, but no lead can be given ${retired.length === 1 ? 'it' : 'them'} now`,
      );
    }
  }
  return { problems, warnings };
}

/** How long start-up waits for the picklist before it serves with the statuses unchecked. */
export const PICKLIST_WAIT_MS = 15_000;

/** `read`, or a rejection once `ms` have passed (a connection that hangs must not hold start-up). */
function within<T>(read: () => Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([read(), late]).finally(() => clearTimeout(timer));
}

/**
 * Reads the picklist and checks the statuses; a picklist that cannot be read in time (a missing
 * scope or permission, an outage, a connection that hangs) leaves them unchecked, with a warning
 * that says so, and start-up goes on as before the check existed.
 */
export async function checkLeadStatuses(
  read: () => Promise<StatusPicklist>,
  name: string,
  configured: readonly ConfiguredStatuses[],
  waitMs = PICKLIST_WAIT_MS,
): Promise<StartReport> {
  let picklist: StatusPicklist;
  try {
    picklist = await within(read, waitMs);
  } catch (error) {
    const why = (error instanceof Error ? error.message : String(error)).slice(0, DETAIL);
    const variables = configured.map((c) => c.variable).join(', ');
    return {
      problems: [],
      warnings: [
        `${variables}: not checked against ${name}, which could not be read (${why}); a status the CRM does not have makes every lead whose status is not in the open set count as closed`,
      ],
    };
  }
  return checkStatuses(picklist, configured);
}
