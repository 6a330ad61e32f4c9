import 'reflect-metadata';
import { App } from './app';
import { ConfigError, loadConfig } from './config';
import { DataDirInUseError } from './database/data-dir-lock';
import { DatabaseStartError } from './database/startup-errors';
import { createLogger } from './logger';
import { exitOnSignals } from './shutdown';

/** Starts the server: configuration, database (migrated), HTTP; stops cleanly on SIGINT and SIGTERM. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const started = Date.now();
  const app = await App.create(config, { logger });
  const url = await app.listen();
  const everywhere = config.host === '0.0.0.0' || config.host === '::';
  logger.info(
    {
      url,
      ...(everywhere ? { host: config.host } : {}),
      database: app.database.embedded ? `embedded (${config.dataDir})` : 'postgresql',
      startMs: Date.now() - started,
    },
    `snapshot-registry listening on ${url}${everywhere ? ` (and on every address of this machine, HOST=${config.host})` : ''}`,
  );
  if (config.generatedAdminToken) {
    // Shown once, on stderr and never through the logger, so that no log keeps it.
    process.stderr.write(
      `\nNo API_TOKENS set: this run made an admin token, valid until it stops:\n\n  ${config.generatedAdminToken}\n\n` +
        `Send it as "Authorization: Bearer <token>" (in the playground at ${url}: Headers). ` +
        'Set API_TOKENS=role:token,... to choose tokens.\n\n',
    );
  }
  exitOnSignals(() => app.close(), logger, { hardLimitMs: config.shutdownGraceMs + 10_000 });
}

main().catch((err) => {
  if (err instanceof ConfigError || err instanceof DataDirInUseError || err instanceof DatabaseStartError) {
    console.error(`snapshot-registry: ${err.message}`);
  } else {
    console.error('snapshot-registry: failed to start:', err);
  }
  process.exit(1);
});
