interface PgError {
  code?: string;
  constraint?: string;
}

function driverError(err: unknown): PgError | null {
  if (typeof err !== 'object' || err === null) return null;
  const inner = (err as { driverError?: unknown }).driverError ?? err;
  return typeof inner === 'object' && inner !== null ? (inner as PgError) : null;
}

/** The constraint a unique violation broke, or null when `err` is no unique violation. */
export function uniqueViolation(err: unknown): string | null {
  const pg = driverError(err);
  return pg?.code === '23505' ? (pg.constraint ?? '') : null;
}
