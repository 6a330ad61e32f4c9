/**
 * What the data may hold, so that every list the API returns has a bound the
 * node budget can count (README.md, "Security and limits").
 */
export const DATA_LIMITS = {
  /** Plans of one project, ACTIVE or not: `createPlan` refuses one more (CONFLICT). */
  plansPerProject: 1_000,
  /**
   * Images of one snapshot: at most one per plan of its project, so the same
   * bound; `createSnapshot` refuses a longer `images` list (BAD_USER_INPUT).
   */
  imagesPerSnapshot: 1_000,
} as const;

/** The plain lists of the schema whose length the data bounds, by "Type.field": the node budget counts them so. */
export const LIST_BOUNDS: Readonly<Record<string, number>> = {
  'Project.plans': DATA_LIMITS.plansPerProject,
  'Snapshot.images': DATA_LIMITS.imagesPerSnapshot,
};
