/**
 * `npm run dev`: the service exactly as `npm start` runs it, with two defaults for a laptop,
 * each yielding to its variable when set:
 * - HOST 127.0.0.1: the sandbox's write routes and /metrics have no token, so a demo must not
 *   be reachable from the network (the image and the manifests set 0.0.0.0 themselves);
 * - TIMEZONE this machine's zone instead of UTC: the team's hours in the demo are the
 *   developer's own, so a lead created at 14:00 on a workday is called at 14:00.
 * The start-up line says which zone and hours are in use.
 */
const defaults = {
  HOST: '127.0.0.1',
  TIMEZONE: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
};
for (const [name, value] of Object.entries(defaults)) process.env[name] ||= value;
await import('./server.ts');
