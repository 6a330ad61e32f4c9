/**
 * The snapshotPlan indirection: a plan may use the images of another plan of
 * its project instead of its own. Pure: no database, no GraphQL.
 */
export interface PlanLink {
  id: string;
  projectId: string;
  snapshotPlanId: string | null;
}

/**
 * Why `plan` may not use the images of `lender`, or null when it may.
 * `plan` must not lend to others (`plan` has borrowers) and `lender` must not
 * borrow itself, so that the indirection is never more than one step.
 */
export function snapshotPlanRefusal(plan: PlanLink, lender: PlanLink, planHasBorrowers: boolean): string | null {
  if (lender.id === plan.id) return 'A plan cannot use its own images as its snapshot plan';
  if (lender.projectId !== plan.projectId) return 'The snapshot plan must belong to the same project';
  if (lender.snapshotPlanId !== null) return 'The snapshot plan itself uses another plan\'s images; chains are not allowed';
  if (planHasBorrowers) return 'Other plans use this plan\'s images, so it cannot use another plan\'s';
  return null;
}

/** The plan whose image `plan` uses in a snapshot. */
export function imagePlanId(plan: PlanLink): string {
  return plan.snapshotPlanId ?? plan.id;
}
