import type { GraphQLSchema } from 'graphql';
import { buildSchemaSync } from 'type-graphql';
import { ArticlesResolver } from '../modules/articles/articles.resolver';
import { CommentsResolver } from '../modules/comments/comments.resolver';
import { ProfilesResolver } from '../modules/profiles/profiles.resolver';
import { TagsResolver } from '../modules/tags/tags.resolver';
import { UsersResolver } from '../modules/users/users.resolver';
import type { GraphqlContext } from './context';

/** Every resolver class, listed explicitly (as the controllers are: no globs). */
export const resolvers = [ArticlesResolver, CommentsResolver, ProfilesResolver, TagsResolver, UsersResolver] as const;

function build(): GraphQLSchema {
  return buildSchemaSync({
    resolvers,
    // Resolver instances come from the container of the app that received the request, so two
    // apps in one process never share a resolver or a service; the schema itself is shared.
    container: ({ context }: { context: GraphqlContext }) => context.container,
    // Arguments are validated by the REST request DTOs in each resolver (graphql/input.ts), with
    // the options REST uses: one set of rules, not a second copy on the GraphQL input classes.
    validate: false,
  });
}

let schema: GraphQLSchema | undefined;

/** The executable schema, built on first use and shared by every app in the process. */
export function graphqlSchema(): GraphQLSchema {
  schema ??= build();
  return schema;
}
