import { isLive, leaseRefusal, renewRefusal, ttlRefusal } from '../../src/retention/lease-rules';
import { SnapshotStatus as S } from '../../src/snapshots/snapshot-lifecycle';

const NOW = new Date('2026-11-25T12:00:00Z');
const at = (ms: number): Date => new Date(NOW.getTime() + ms);

describe('ttlSeconds', () => {
  it.each([
    [1, null],
    [3600, null],
    [604_800, null],
    [0, '"ttlSeconds" must be from 1 to 604800, got 0'],
    [-5, '"ttlSeconds" must be from 1 to 604800, got -5'],
    [604_801, '"ttlSeconds" must be from 1 to 604800, got 604801'],
  ])('%d: %s', (ttl, message) => {
    expect(ttlRefusal(ttl)).toBe(message);
  });
});

describe('what may be leased', () => {
  it.each([
    [S.ACTIVE, null, null],
    [S.PENDING, null, 'Only an ACTIVE snapshot can be leased; snapshot s is PENDING'],
    [S.UNKNOWN, null, 'Only an ACTIVE snapshot can be leased; snapshot s is UNKNOWN'],
    [S.FAILED, null, 'Only an ACTIVE snapshot can be leased; snapshot s is FAILED'],
    [S.INVALIDATED, null, 'Only an ACTIVE snapshot can be leased; snapshot s is INVALIDATED'],
    [S.ACTIVE, at(-1), 'Snapshot s has expired; an expired snapshot cannot be leased'],
    [S.INVALIDATED, at(-1), 'Snapshot s has expired; an expired snapshot cannot be leased'],
  ])('%s, expired at %s: %s', (status, expiredAt, message) => {
    expect(leaseRefusal({ id: 's', status, expiredAt })).toBe(message);
  });
});

describe('live leases', () => {
  it.each([
    ['not released, expiring later', null, at(1), true],
    ['not released, expiring now', null, at(0), false],
    ['not released, expired', null, at(-1), false],
    ['released, expiring later', at(-10), at(1000), false],
  ])('%s: live %s', (_name, releasedAt, expiresAt, live) => {
    expect(isLive({ releasedAt, expiresAt }, NOW)).toBe(live);
  });

  it.each([
    [null, true, null],
    [null, false, 'Lease l has lapsed (its expiresAt has passed); take a new lease'],
    [at(-10), false, 'Lease l was released; take a new lease'],
  ])('renewing, released at %s, live %s: %s', (releasedAt, live, message) => {
    expect(renewRefusal({ id: 'l', releasedAt, live })).toBe(message);
  });
});
