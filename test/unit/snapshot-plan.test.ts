import { imagePlanId, snapshotPlanRefusal } from '../../src/projects/snapshot-plan';

const plan = (id: string, snapshotPlanId: string | null = null, projectId = 'p1') => ({ id, projectId, snapshotPlanId });

describe('snapshotPlanRefusal', () => {
  it('allows another plan of the same project that uses its own images', () => {
    expect(snapshotPlanRefusal(plan('a'), plan('b'), false)).toBeNull();
  });
  it('refuses the plan itself', () => {
    expect(snapshotPlanRefusal(plan('a'), plan('a'), false)).toMatch(/its own images/);
  });
  it('refuses a plan of another project', () => {
    expect(snapshotPlanRefusal(plan('a'), plan('b', null, 'p2'), false)).toMatch(/same project/);
  });
  it('refuses a lender that borrows (no chains)', () => {
    expect(snapshotPlanRefusal(plan('a'), plan('b', 'c'), false)).toMatch(/chains/);
  });
  it('refuses a borrower that lends (no chains)', () => {
    expect(snapshotPlanRefusal(plan('a'), plan('b'), true)).toMatch(/Other plans use/);
  });
});

describe('imagePlanId', () => {
  it('follows the indirection one step', () => {
    expect(imagePlanId(plan('a', 'b'))).toBe('b');
    expect(imagePlanId(plan('a'))).toBe('a');
  });
});
