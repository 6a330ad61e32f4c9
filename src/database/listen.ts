import type { Client } from 'pg';

/**
 * Connects a client of its own (not one of the pool's) and LISTENs on
 * `channel`; its `notification` events then carry what is sent there.
 */
export async function listen(client: Client, channel: string): Promise<void> {
  await client.connect();
  await client.query(`LISTEN ${client.escapeIdentifier(channel)}`);
}
