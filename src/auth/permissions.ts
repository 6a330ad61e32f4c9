import { defaultFieldResolver, type GraphQLField, type GraphQLSchema } from 'graphql';
import { Extensions } from 'type-graphql';
import { AppError, ErrorCode } from '../errors';
import { ANONYMOUS, type Caller } from './caller';
import { hasRole, type Role } from './roles';

/**
 * The least role a mutation needs, written next to it:
 * `@RequiresRole('scheduler') @Mutation(...) createSnapshot(...)`. Kept in the
 * schema as the field's `extensions.role`, where the mutation guard and the
 * resolver check read it. Every mutation must have one: the schema refuses to
 * build without (deny by default).
 */
export const RequiresRole = (role: Role): MethodDecorator => Extensions({ role });

/** The role a mutation field needs, from its `@RequiresRole`. */
export function requiredRole(field: GraphQLField<unknown, unknown>): Role | undefined {
  return field.extensions?.role as Role | undefined;
}

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
 * Puts the role check in front of every mutation's resolver as well, a second
 * line behind the mutation guard (auth/mutation-guard.ts, which checks every
 * mutation of an operation before any runs). Reads the caller from
 * `context.caller`; none is anonymous.
 */
export function enforceMutationRoles(schema: GraphQLSchema): GraphQLSchema {
  const mutation = schema.getMutationType();
  if (!mutation) return schema;
  for (const field of Object.values(mutation.getFields())) {
    const needed = requiredRole(field);
    if (!needed) throw new Error(`Mutation.${field.name} has no @RequiresRole (src/auth/permissions.ts)`);
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = (source, args, context: { caller?: Caller } | undefined, info) => {
      requireRole(context?.caller ?? ANONYMOUS, needed, field.name);
      return resolve(source, args, context, info);
    };
  }
  return schema;
}
