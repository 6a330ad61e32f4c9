import { Initial1764028800000 } from './1764028800000-initial';

/** Every migration, oldest first. */
export const migrations = [Initial1764028800000];
