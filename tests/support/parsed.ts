/** What a hand-written parser of the config answers, unwrapped for a test's fixed inputs. */
import { type Parsed, parseWeeklyHours } from '../../src/config/hours.ts';

/** The parsed value; a parse error is thrown, since a test's own input must parse. */
export function unwrap<T>(parsed: Parsed<T>): T {
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

/** Weekly hours written as the variables take them: `Mon-Fri 09:00-17:00`. */
export const weeklyHours = (text: string) => unwrap(parseWeeklyHours(text));
