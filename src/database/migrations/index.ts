import { Initial1764028800000 } from './1764028800000-initial';
import { SchedulerIds1764100000000 } from './1764100000000-scheduler-ids';
import { Promotion1764200000000 } from './1764200000000-promotion';
import { Retention1764300000000 } from './1764300000000-retention';

/** Every migration, oldest first. */
export const migrations = [Initial1764028800000, SchedulerIds1764100000000, Promotion1764200000000, Retention1764300000000];
