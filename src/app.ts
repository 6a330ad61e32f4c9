import type { AddressInfo } from 'node:net';
import type { Logger as TypeOrmLogger } from 'typeorm';
import { createAuthenticator } from './auth/authenticate';
import type { Config } from './config';
import { type Database, openDatabase } from './database/database';
import { type ChangeFeed, LocalChangeFeed } from './events/change-feed';
import { PostgresChangeFeed } from './events/postgres-change-feed';
import type { Logger } from './logger';
import { ExpirySchedule } from './retention/expiry-schedule';
import { createSchema } from './schema';
import { Server } from './server';
import { Services } from './services';

export interface AppOptions {
  logger: Logger;
  /** Sees every SQL statement (tests count them). */
  queryLogger?: TypeOrmLogger;
}

/**
 * The host a person can open the server at: an address that means "all of
 * them" (HOST=0.0.0.0 or ::) is no address to browse to, so it is `localhost`.
 */
function shownHost(address: AddressInfo): string {
  if (address.address === '0.0.0.0' || address.address === '::') return 'localhost';
  return address.family === 'IPv6' ? `[${address.address}]` : address.address;
}

/** The whole server: database, services, HTTP. Nothing listens until `listen`. */
export class App {
  private constructor(
    readonly config: Config,
    readonly database: Database,
    readonly services: Services,
    readonly server: Server,
    readonly expirySchedule: ExpirySchedule,
  ) {}

  static async create(config: Config, options: AppOptions): Promise<App> {
    const database = await openDatabase(config, options.queryLogger);
    const bounds = { maxSubscriptions: config.maxSubscriptions, maxQueue: config.maxSubscriptionQueue };
    const feed: ChangeFeed = database.pglite
      ? new LocalChangeFeed(bounds)
      : new PostgresChangeFeed(database.url, options.logger, bounds);
    try {
      await feed.start();
      const services = new Services(database.dataSource, feed, { prepare: !database.pglite });
      const server = new Server({
        schema: await createSchema(),
        services,
        logger: options.logger,
        config,
        authenticate: createAuthenticator(config),
      });
      await server.start();
      const expirySchedule = new ExpirySchedule(services.expiry, options.logger, config.retentionIntervalS);
      expirySchedule.start();
      return new App(config, database, services, server, expirySchedule);
    } catch (err) {
      await feed.stop();
      await database.close();
      throw err;
    }
  }

  /** Starts listening; resolves to the GraphQL endpoint's URL (on localhost when it listens on every address). */
  async listen(port = this.config.port, host = this.config.host): Promise<string> {
    const http = this.server.http;
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(port, host, () => {
        http.off('error', reject);
        resolve();
      });
    });
    const address = http.address() as AddressInfo;
    return `http://${shownHost(address)}:${address.port}/graphql`;
  }

  async close(): Promise<void> {
    await this.server.stop();
    await this.expirySchedule.stop();
    await this.services.feed.stop();
    await this.database.close();
  }
}
