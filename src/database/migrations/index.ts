import { Initial1764028800000 } from './1764028800000-initial';
import { SchedulerIds1764100000000 } from './1764100000000-scheduler-ids';

/** Every migration, oldest first. */
export const migrations = [Initial1764028800000, SchedulerIds1764100000000];
