import { PgliteBroker } from './pglite-broker';

export default async function setup(): Promise<void> {
  const broker = new PgliteBroker();
  process.env.PGLITE_BROKER_URL = await broker.start();
  (globalThis as { pgliteBroker?: PgliteBroker }).pgliteBroker = broker;
}
