import { afterEach } from 'vitest';
/** Registers an `afterEach` that closes every app `track` was given during the test. */
export function closedAfterEach() {
  const open: { close(): Promise<unknown> }[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((app) => app.close()));
  });
  return <T extends { close(): Promise<unknown> }>(app: T): T => {
    open.push(app);
    return app;
  };
}
