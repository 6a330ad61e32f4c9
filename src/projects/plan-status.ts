/** Whether new snapshots get an image for a plan by default. */
export enum PlanStatus {
  INACTIVE = 'INACTIVE',
  ACTIVE = 'ACTIVE',
}

export const PLAN_STATUS_CODE: Readonly<Record<PlanStatus, number>> = {
  [PlanStatus.INACTIVE]: 0,
  [PlanStatus.ACTIVE]: 1,
};
