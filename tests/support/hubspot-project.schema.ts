/**
 * The HubSpot project files, as HubSpot documents them for platform versions 2026.03 and 2026.09.
 * HubSpot publishes no schema package (the CLI fetches each version's schemas from the account at
 * upload time: `project-components-external/project-schemas/v3/<platformVersion>` in
 * `@hubspot/project-parsing-lib` 0.23.0), so this is written from the reference pages:
 * - https://developers.hubspot.com/docs/apps/developer-platform/build-apps/app-configuration
 * - https://developers.hubspot.com/docs/apps/developer-platform/add-features/configure-webhooks
 * - https://developers.hubspot.com/docs/apps/developer-platform/build-apps/authentication/user-level-apps
 * HubSpot's own templates (github.com/HubSpot/hubspot-project-components, `2026.03/components/app/
 * static-private` and `2026.03/components/webhooks`; the `2026.09-beta` copies are identical), and
 * the CLI's own checks in `@hubspot/project-parsing-lib` 0.23.0 (the one `@hubspot/cli` 8.14.0
 * uses): the top-level fields it allows, the uid rule, and component-level `permissions` from
 * 2026.09 on. Objects are strict, so a misspelt field fails here rather than at `hs project upload`.
 */
import { z } from 'zod';

/** Up to 64 characters: letters, digits, `_`, `-`, `.`; unique within the project. */
const uid = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/);

/** The dated versions the CLI's parser knows (2025.2 and later; betas left out). */
export const PLATFORM_VERSIONS = ['2025.2', '2026.03', '2026.09'] as const;
export type PlatformVersion = (typeof PLATFORM_VERSIONS)[number];

export const hsprojectSchema = z.strictObject({
  name: z.string().min(1),
  srcDir: z.string().min(1),
  platformVersion: z.enum(PLATFORM_VERSIONS),
});

const scope = z.string().regex(/^[a-z][a-z0-9._-]*$/);

/**
 * Component-level scopes. The CLI refuses the field before 2026.09 ("The "permissions" field is
 * not supported on platform version …"), so a schema for an older version leaves it out.
 */
const componentPermissions = z.strictObject({
  requiredScopes: z.array(scope).optional(),
  optionalScopes: z.array(scope).optional(),
  conditionallyRequiredScopes: z.array(scope).optional(),
});

/** The fields every component file may have besides `config`, as the given version allows them. */
function componentFields(version: PlatformVersion) {
  return {
    uid,
    dependencies: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional(),
    ...(version === '2026.09' ? { permissions: componentPermissions.optional() } : {}),
  };
}

/** The app component (`src/app/app-hsmeta.json`) of a project on `version`. */
export const appSchemaFor = (version: PlatformVersion) =>
  z.strictObject({
    ...componentFields(version),
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
        // User-level apps are generally available from 2026.09 on (unset or false: account-level
        // access); whether 2026.03 accepted the field was not checked, so it is left out there.
        ...(version === '2026.09' ? { isUserLevel: z.boolean().optional() } : {}),
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

/** The webhooks component (`src/app/webhooks/*-hsmeta.json`): the same in 2026.03 and 2026.09. */
export const webhooksSchemaFor = (version: PlatformVersion) =>
  z.strictObject({
    ...componentFields(version),
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

/** The version deploy/hubspot-app is on (its `hsproject.json`; a test holds the two together). */
export const PROJECT_PLATFORM_VERSION: PlatformVersion = '2026.09';
export const appSchema = appSchemaFor(PROJECT_PLATFORM_VERSION);
export const webhooksSchema = webhooksSchemaFor(PROJECT_PLATFORM_VERSION);

/** Where each component type must live under `src/` (one `app`, one `webhooks`). */
export const COMPONENT_DIRS: Readonly<Record<string, string>> = {
  app: 'app',
  webhooks: 'app/webhooks',
};
