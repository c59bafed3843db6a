import { z } from 'zod';
import { crmConfig } from '../crm-config.port.ts';

/** The embedded sandbox has no variables and makes no API calls, so it needs no rate limit. */
export const sandboxConfig = crmConfig({
  name: 'sandbox',
  variables: z.object({}),
  required: [],
  rateLimit: 0,
  maxConcurrency: 0,
  build: () => undefined,
});
