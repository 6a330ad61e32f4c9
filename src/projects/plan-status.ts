/** Whether new snapshots get an image for a plan by default. */
export enum PlanStatus {
  INACTIVE = 'INACTIVE',
  ACTIVE = 'ACTIVE',
}
