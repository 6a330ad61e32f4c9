/** How a project's current snapshot changed. Pure: no database, no GraphQL. */
export enum CurrentChangeKind {
  /** setCurrentSnapshot named a snapshot. */
  SET = 'SET',
  /** setCurrentSnapshot with null. */
  CLEARED = 'CLEARED',
  /** rollbackCurrentSnapshot, or invalidateSnapshot with rollback. */
  ROLLBACK = 'ROLLBACK',
}
