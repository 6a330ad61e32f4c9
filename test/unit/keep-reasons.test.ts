import {
  DAY_MS,
  DEFAULT_POLICY,
  KeepReason as K,
  type KeepFacts,
  type RetentionPolicy,
  expires,
  keepReasons,
  policyRefusal,
} from '../../src/retention/keep-reasons';

const NOW = new Date('2026-11-25T12:00:00Z');
const daysAgo = (days: number): Date => new Date(NOW.getTime() - days * DAY_MS);

/** A snapshot nothing keeps under `POLICY`: old, not ACTIVE, never current, no lease. */
const NOTHING: KeepFacts = {
  expiredAt: null,
  current: false,
  leased: false,
  active: false,
  newerActive: 0,
  dateCreated: daysAgo(40),
  historyPosition: null,
  now: NOW,
};
const POLICY: RetentionPolicy = { keepActive: 3, keepDays: 30, keepHistory: 2 };

describe('keepReasons', () => {
  it.each<[string, Partial<KeepFacts>, Partial<RetentionPolicy>, K[]]>([
    ['nothing keeps an old snapshot that is not ACTIVE, current, leased or in the history', {}, {}, []],
    ['the current snapshot is kept', { current: true }, {}, [K.CURRENT]],
    ['a live lease keeps', { leased: true }, {}, [K.LEASED]],
    ['the newest ACTIVE snapshot is kept', { active: true, newerActive: 0 }, {}, [K.NEWEST_ACTIVE]],
    ['the keepActive-th newest ACTIVE snapshot is kept', { active: true, newerActive: 2 }, {}, [K.NEWEST_ACTIVE]],
    ['the one after it is not', { active: true, newerActive: 3 }, {}, []],
    ['keepActive 0 keeps no ACTIVE snapshot', { active: true, newerActive: 0 }, { keepActive: 0 }, []],
    ['a snapshot that is not ACTIVE is never one of the newest ACTIVE', { active: false, newerActive: 0 }, {}, []],
    ['a snapshot created a day ago is recent', { dateCreated: daysAgo(1) }, {}, [K.RECENT]],
    ['one created a millisecond short of keepDays ago is recent', { dateCreated: new Date(daysAgo(30).getTime() + 1) }, {}, [K.RECENT]],
    ['one created exactly keepDays ago is not', { dateCreated: daysAgo(30) }, {}, []],
    ['keepDays 0 keeps nothing as recent, not even a new snapshot', { dateCreated: NOW }, { keepDays: 0 }, []],
    ['the latest change of the current snapshot keeps its snapshot', { historyPosition: 0 }, {}, [K.HISTORY]],
    ['the keepHistory-th latest change keeps its snapshot', { historyPosition: 1 }, {}, [K.HISTORY]],
    ['an older change does not', { historyPosition: 2 }, {}, []],
    ['keepHistory 0 keeps nothing for its history', { historyPosition: 0 }, { keepHistory: 0 }, []],
    [
      'every reason at once, in the enum order',
      { current: true, leased: true, active: true, newerActive: 0, dateCreated: daysAgo(1), historyPosition: 0 },
      {},
      [K.CURRENT, K.LEASED, K.NEWEST_ACTIVE, K.RECENT, K.HISTORY],
    ],
    [
      'an expired snapshot has no reason, whatever else is true',
      { expiredAt: daysAgo(1), current: true, leased: true, active: true, dateCreated: daysAgo(1), historyPosition: 0 },
      {},
      [],
    ],
  ])('%s', (_name, facts, policy, reasons) => {
    const f = { ...NOTHING, ...facts };
    const p = { ...POLICY, ...policy };
    expect(keepReasons(f, p)).toEqual(reasons);
    // Expiry takes exactly the unexpired snapshots with no reason.
    expect(expires(f, p)).toBe(f.expiredAt === null && reasons.length === 0);
  });

  it('never expires an expired snapshot again', () => {
    expect(expires({ ...NOTHING, expiredAt: daysAgo(2) }, POLICY)).toBe(false);
  });
});

describe('policies', () => {
  it('defaults to keeping 10 ACTIVE, 30 days, 5 changes of the current snapshot', () => {
    expect(DEFAULT_POLICY).toEqual({ keepActive: 10, keepDays: 30, keepHistory: 5 });
    expect(policyRefusal(DEFAULT_POLICY)).toBeNull();
  });

  it.each<[Partial<RetentionPolicy>, string | null]>([
    [{ keepActive: 0, keepDays: 0, keepHistory: 0 }, null],
    [{ keepActive: 1000, keepDays: 3650, keepHistory: 100 }, null],
    [{ keepActive: -1 }, '"keepActive" must be from 0 to 1000, got -1'],
    [{ keepActive: 1001 }, '"keepActive" must be from 0 to 1000, got 1001'],
    [{ keepDays: -1 }, '"keepDays" must be from 0 to 3650, got -1'],
    [{ keepDays: 3651 }, '"keepDays" must be from 0 to 3650, got 3651'],
    [{ keepHistory: -1 }, '"keepHistory" must be from 0 to 100, got -1'],
    [{ keepHistory: 101 }, '"keepHistory" must be from 0 to 100, got 101'],
    [{ keepDays: 1.5 }, '"keepDays" must be from 0 to 3650, got 1.5'],
  ])('%j: %s', (change, message) => {
    const refusal = policyRefusal({ ...DEFAULT_POLICY, ...change });
    expect(refusal?.message ?? null).toBe(message);
    if (refusal) expect(refusal.setting).toBe(Object.keys(change)[0]);
  });
});
