import { describe, expect, it } from 'vitest';
import { checkLeadStatuses } from '../connectors/lead-statuses.ts';

describe('checkLeadStatuses', () => {
  it('serves with the statuses unchecked when the picklist never answers', async () => {
    const hangs = () => new Promise<never>(() => {});
    const report = await checkLeadStatuses(
      hangs,
      'the test picklist',
      [{ variable: 'HUBSPOT_OPEN_LEAD_STATUSES', statuses: ['NEW'] }],
      50,
    );
    expect(report.problems).toEqual([]);
    expect(report.warnings).toEqual([
      expect.stringMatching(
        /^HUBSPOT_OPEN_LEAD_STATUSES: not checked against the test picklist, which could not be read \(no answer within 0\.05 s\)/,
      ),
    ]);
  });
});
