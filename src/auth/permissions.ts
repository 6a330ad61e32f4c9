import { defaultFieldResolver, type GraphQLSchema } from 'graphql';
import { AppError, ErrorCode } from '../errors';
import { ANONYMOUS, type Caller } from './caller';
import { hasRole, type Role } from './roles';

/**
 * The least role each mutation needs. Every mutation must be listed: the
 * schema refuses to build with one that is not (deny by default).
 */
export const MUTATION_ROLES: Readonly<Record<string, Role>> = {
  createSnapshot: 'scheduler',
  changeImageStatus: 'scheduler',
  changeSnapshotStatus: 'scheduler',
  snapshotBuildFinished: 'scheduler',
  setCurrentSnapshot: 'scheduler',
  rollbackCurrentSnapshot: 'scheduler',
  invalidateSnapshot: 'scheduler',
  leaseCurrentSnapshot: 'scheduler',
  leaseSnapshot: 'scheduler',
  renewLease: 'scheduler',
  releaseLease: 'scheduler',
  createProject: 'admin',
  createPlan: 'admin',
  setSnapshotPlan: 'admin',
  setPlanStatus: 'admin',
  setRetentionPolicy: 'admin',
  expireSnapshots: 'admin',
};

/** Throws UNAUTHENTICATED (no token) or FORBIDDEN (too small a role) unless the caller has `needed`. */
export function requireRole(caller: Caller, needed: Role, what: string): void {
  if (caller.role === null) {
    throw new AppError(ErrorCode.UNAUTHENTICATED, `${what} needs a token of role ${needed} or above: send "Authorization: Bearer <token>"`);
  }
  if (!hasRole(caller.role, needed)) {
    throw new AppError(ErrorCode.FORBIDDEN, `${what} needs role ${needed} or above; this token has role ${caller.role}`);
  }
}

/**
 * Puts the role check in front of every mutation's resolver, over HTTP and
 * WebSocket alike: the resolver (and so any change) never runs for a caller
 * without the role. Reads the caller from `context.caller`; none is anonymous.
 */
export function enforceMutationRoles(schema: GraphQLSchema): GraphQLSchema {
  const mutation = schema.getMutationType();
  if (!mutation) return schema;
  for (const field of Object.values(mutation.getFields())) {
    const needed = MUTATION_ROLES[field.name];
    if (!needed) throw new Error(`Mutation.${field.name} has no role in MUTATION_ROLES (src/auth/permissions.ts)`);
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = (source, args, context: { caller?: Caller } | undefined, info) => {
      requireRole(context?.caller ?? ANONYMOUS, needed, field.name);
      return resolve(source, args, context, info);
    };
  }
  return schema;
}
