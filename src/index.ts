import 'reflect-metadata';
import { ConfigError, loadConfig } from './config';
import { DataDirInUseError } from './database/data-dir-lock';
import { createLogger } from './logger';

/** Starts the server: configuration, database (migrated), HTTP; stops cleanly on SIGINT and SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const started = Date.now();
  const { App } = await import('./app');
  const app = await App.create(config, { logger });
  const url = await app.listen();
  logger.info(
    { url, database: app.database.embedded ? `embedded (${config.dataDir})` : 'postgresql', startMs: Date.now() - started },
    `snapshot-registry listening on ${url}`,
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    app.close().then(
      () => process.exit(0),
      (err) => {
        logger.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err) => {
  if (err instanceof ConfigError || err instanceof DataDirInUseError) {
    console.error(`snapshot-registry: ${err.message}`);
  } else {
    console.error('snapshot-registry: failed to start:', err);
  }
  process.exit(1);
});
