import { snapshotStatusCodes } from '../../src/database/status-codes';
import {
  SnapshotStatus as S,
  aggregateStatus,
  snapshotChangeRefusal,
  statusAfterBuild,
  transition,
} from '../../src/snapshots/snapshot-lifecycle';

const ALL = [S.UNKNOWN, S.PENDING, S.ACTIVE, S.FAILED, S.INVALIDATED];

describe('transition', () => {
  // Every pair: from -> to, and what it is.
  const allowed: Record<S, S[]> = {
    [S.UNKNOWN]: [S.PENDING, S.ACTIVE, S.FAILED, S.INVALIDATED],
    [S.PENDING]: [S.ACTIVE, S.FAILED],
    [S.ACTIVE]: [S.INVALIDATED],
    [S.FAILED]: [],
    [S.INVALIDATED]: [],
  };
  const table = ALL.flatMap((from) =>
    ALL.map((to) => [from, to, from === to ? 'same' : allowed[from].includes(to) ? 'change' : 'invalid'] as const),
  );

  it.each(table)('%s -> %s is %s', (from, to, kind) => {
    expect(transition(from, to)).toBe(kind);
  });
});

describe('aggregateStatus', () => {
  it.each([
    ['all ACTIVE, PENDING snapshot becomes ACTIVE', S.PENDING, [S.ACTIVE, S.ACTIVE], S.ACTIVE],
    ['one not ACTIVE, PENDING snapshot stays', S.PENDING, [S.ACTIVE, S.UNKNOWN], S.PENDING],
    ['one PENDING image, PENDING snapshot stays', S.PENDING, [S.PENDING, S.ACTIVE], S.PENDING],
    ['an ACTIVE snapshot with an image not ACTIVE is INVALIDATED', S.ACTIVE, [S.ACTIVE, S.INVALIDATED], S.INVALIDATED],
    ['an ACTIVE snapshot with all images ACTIVE stays', S.ACTIVE, [S.ACTIVE], S.ACTIVE],
    ['a FAILED image fails a PENDING snapshot', S.PENDING, [S.FAILED, S.UNKNOWN], S.FAILED],
    ['an INVALIDATED image fails a PENDING snapshot', S.PENDING, [S.INVALIDATED, S.ACTIVE], S.FAILED],
    ['a FAILED snapshot stays FAILED', S.FAILED, [S.ACTIVE, S.ACTIVE], S.FAILED],
    ['an INVALIDATED snapshot stays INVALIDATED', S.INVALIDATED, [S.ACTIVE], S.INVALIDATED],
    ['an UNKNOWN snapshot stays UNKNOWN', S.UNKNOWN, [S.ACTIVE], S.UNKNOWN],
    ['no images never makes a snapshot ACTIVE', S.PENDING, [], S.PENDING],
  ] as const)('%s', (_name, snapshot, images, expected) => {
    expect(aggregateStatus(snapshot, images)).toBe(expected);
  });
});

describe('snapshotChangeRefusal', () => {
  it('allows ACTIVE only when every image is ACTIVE', () => {
    expect(snapshotChangeRefusal(S.PENDING, S.ACTIVE, [S.ACTIVE, S.ACTIVE])).toBeNull();
    expect(snapshotChangeRefusal(S.PENDING, S.ACTIVE, [S.ACTIVE, S.PENDING])).toMatch(/all its images/);
    expect(snapshotChangeRefusal(S.UNKNOWN, S.ACTIVE, [])).toMatch(/without images/);
  });
  it('follows the lifecycle', () => {
    expect(snapshotChangeRefusal(S.FAILED, S.ACTIVE, [S.ACTIVE])).toBe('A snapshot cannot go from FAILED to ACTIVE');
    expect(snapshotChangeRefusal(S.ACTIVE, S.INVALIDATED, [S.ACTIVE])).toBeNull();
    expect(snapshotChangeRefusal(S.PENDING, S.FAILED, [])).toBeNull();
  });
  it('lets the same status again through', () => {
    expect(snapshotChangeRefusal(S.ACTIVE, S.ACTIVE, [S.ACTIVE])).toBeNull();
    expect(snapshotChangeRefusal(S.FAILED, S.FAILED, [])).toBeNull();
  });
});

describe('statusAfterBuild', () => {
  it.each([
    [S.ACTIVE, false, S.INVALIDATED],
    [S.PENDING, false, S.FAILED],
    [S.UNKNOWN, false, S.FAILED],
    [S.FAILED, false, S.FAILED],
    [S.INVALIDATED, false, S.INVALIDATED],
    ...ALL.map((s) => [s, true, s] as const),
  ] as const)('%s, passed %s -> %s', (from, passed, to) => {
    expect(statusAfterBuild(from, passed)).toBe(to);
  });
});

describe('status codes', () => {
  const STATUS_CODE = snapshotStatusCodes.codes;
  const statusFromCode = (code: number) => snapshotStatusCodes.decode(code);

  it('keeps the stored codes: unknown 0, active 1, failed 2, invalidated 3, pending 4', () => {
    expect(STATUS_CODE).toEqual({ UNKNOWN: 0, ACTIVE: 1, FAILED: 2, INVALIDATED: 3, PENDING: 4 });
    for (const s of ALL) expect(statusFromCode(STATUS_CODE[s])).toBe(s);
    expect(() => statusFromCode(5)).toThrow('unknown snapshot status code 5');
  });
});
