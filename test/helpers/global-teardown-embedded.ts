import type { PgliteBroker } from './pglite-broker';

export default async function teardown(): Promise<void> {
  await (globalThis as { pgliteBroker?: PgliteBroker }).pgliteBroker?.stop();
}
