/**
 * The HubSpot project files, as HubSpot documents them for platform version 2026.03. HubSpot
 * publishes no schema package (the CLI fetches its schemas from the account at upload time), so
 * this is written from the reference pages:
 * - https://developers.hubspot.com/docs/apps/developer-platform/build-apps/app-configuration
 * - https://developers.hubspot.com/docs/apps/developer-platform/add-features/configure-webhooks
 * and HubSpot's own 2026.03 templates (github.com/HubSpot/hubspot-project-components,
 * `2026.03/components/app/static-private`, `2026.03/components/webhooks`). Objects are strict,
 * so a misspelt field fails here rather than at `hs project upload`.
 */
import { z } from 'zod';

/** Up to 64 characters: letters, digits, `_`, `-`, `.`; unique within the project. */
const uid = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/);

export const hsprojectSchema = z.strictObject({
  name: z.string().min(1),
  srcDir: z.string().min(1),
  platformVersion: z.enum(['2025.2', '2026.03', '2026.09']),
});

const scope = z.string().regex(/^[a-z][a-z0-9._-]*$/);

export const appSchema = z.strictObject({
  uid,
  type: z.literal('app'),
  config: z
    .strictObject({
      name: z
        .string()
        .min(1)
        .max(200)
        .refine((name) => name.trim() === name, 'must not start or end with whitespace'),
      description: z.string().min(1).max(8192),
      distribution: z.enum(['private', 'marketplace']),
      auth: z.strictObject({
        type: z.enum(['static', 'oauth']),
        redirectUrls: z.array(z.url()).optional(),
        requiredScopes: z.array(scope).min(1),
        optionalScopes: z.array(scope),
        conditionallyRequiredScopes: z.array(scope),
      }),
      permittedUrls: z
        .strictObject({
          fetch: z.array(z.url()),
          iframe: z.array(z.url()),
          img: z.array(z.url()),
        })
        .optional(),
      support: z
        .strictObject({
          supportEmail: z.email().optional(),
          documentationUrl: z.url().optional(),
          supportUrl: z.url().optional(),
          supportPhone: z.string().optional(),
        })
        .optional(),
    })
    // Marketplace apps must use OAuth; static auth is for single-account (private) installs.
    .refine((c) => c.distribution === 'private' || c.auth.type === 'oauth', {
      message: 'a marketplace app must use oauth',
    }),
});

/** Generic subscriptions (`object.*`): `propertyName` is required for, and only for, changes. */
const crmObjectSubscription = z
  .strictObject({
    subscriptionType: z.enum([
      'object.creation',
      'object.deletion',
      'object.merge',
      'object.restore',
      'object.propertyChange',
      'object.associationChange',
    ]),
    objectType: z.string().regex(/^[a-z_]+$/),
    propertyName: z.string().min(1).optional(),
    active: z.boolean(),
  })
  .refine(
    (s) => (s.subscriptionType === 'object.propertyChange') === (s.propertyName !== undefined),
    {
      message: 'propertyName goes with object.propertyChange, and only with it',
    },
  );

const legacySubscription = z.strictObject({
  subscriptionType: z.string().regex(/^[a-z_]+\.[A-Za-z]+$/),
  propertyName: z.string().min(1).optional(),
  active: z.boolean(),
});

export const webhooksSchema = z.strictObject({
  uid,
  type: z.literal('webhooks'),
  config: z.strictObject({
    settings: z.strictObject({
      targetUrl: z.url({ protocol: /^https$/ }),
      maxConcurrentRequests: z.number().int().min(1),
    }),
    subscriptions: z.strictObject({
      crmObjects: z.array(crmObjectSubscription),
      legacyCrmObjects: z.array(legacySubscription),
      hubEvents: z.array(legacySubscription),
    }),
  }),
});

/** Where each component type must live under `src/` (one `app`, one `webhooks`). */
export const COMPONENT_DIRS: Readonly<Record<string, string>> = {
  app: 'app',
  webhooks: 'app/webhooks',
};
