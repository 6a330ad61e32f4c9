import 'reflect-metadata';
import './graphql-enums';
import { type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { buildSchema, getMetadataStorage } from 'type-graphql';
import { enforceMutationRoles } from './auth/permissions';
import { PlanResolver } from './projects/plan.resolver';
import { ProjectResolver } from './projects/project.resolver';
import { CurrentSnapshotChangeConnectionResolver, CurrentSnapshotChangeResolver, PromotionResolver } from './projects/promotion.resolver';
import { SnapshotImageResolver } from './snapshots/snapshot-image.resolver';
import { SnapshotConnectionResolver, SnapshotResolver } from './snapshots/snapshot.resolver';
import { SnapshotStatusChangeResolver, StatusHistoryResolver } from './snapshots/status-history.resolver';
import { SnapshotChangedResolver } from './events/snapshot-changed.resolver';
import { LeaseResolver } from './retention/lease.resolver';
import { ProjectRetentionResolver, SnapshotRetentionResolver } from './retention/retention.resolver';

/**
 * type-graphql asks for a PubSub whenever the schema has subscriptions, even
 * when each brings its own `subscribe`, as ours do (they read the change feed).
 */
const NO_PUBSUB = {
  publish: () => {
    throw new Error('subscriptions read the change feed; nothing publishes through type-graphql');
  },
  subscribe: () => {
    throw new Error('subscriptions read the change feed; nothing subscribes through type-graphql');
  },
};

/**
 * Fields that only read a property of their object (every @Field without a
 * @FieldResolver) get graphql-js's default resolver instead of a type-graphql
 * wrapper that runs per field and per row: the schema uses no middleware and
 * no auth checker, so the wrapper adds nothing. A type may still opt out with
 * `@ObjectType({ simpleResolvers: false })`.
 */
function useSimpleResolvers(): void {
  for (const type of getMetadataStorage().objectTypes) type.simpleResolvers ??= true;
}

/**
 * TypeScript applies a method's parameter decorators last one first, so
 * type-graphql collects @Arg metadata in reverse and the schema would list
 * `createSnapshot(images, revision, buildId, project)`. Sorted by position
 * (a stable sort, so each method's own arguments end up in order),
 * introspection and the playground list arguments as they are declared.
 */
function argumentsInDeclaredOrder(): void {
  getMetadataStorage().params.sort((a, b) => a.index - b.index);
}

/** The GraphQL schema, built from the resolver and entity classes; each mutation checks the caller's role. */
export async function createSchema(): Promise<GraphQLSchema> {
  useSimpleResolvers();
  argumentsInDeclaredOrder();
  return enforceMutationRoles(await buildSchema({
    resolvers: [
      ProjectResolver,
      PlanResolver,
      SnapshotResolver,
      SnapshotConnectionResolver,
      SnapshotImageResolver,
      SnapshotChangedResolver,
      PromotionResolver,
      CurrentSnapshotChangeResolver,
      CurrentSnapshotChangeConnectionResolver,
      StatusHistoryResolver,
      SnapshotStatusChangeResolver,
      LeaseResolver,
      SnapshotRetentionResolver,
      ProjectRetentionResolver,
    ],
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    validate: false,
    pubSub: NO_PUBSUB,
  }));
}

/** The schema as committed in schema.graphql. */
export async function printedSchema(): Promise<string> {
  const header = '# Generated from the code by `npm run schema`; do not edit.\n\n';
  return header + printSchema(lexicographicSortSchema(await createSchema())) + '\n';
}
