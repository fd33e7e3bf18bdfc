import { buildSchema, type GraphQLFieldResolver, type GraphQLSchema, isObjectType } from 'graphql';
import { Invalid } from '../domain/errors';
import { ArticlesResolver } from '../modules/articles/articles.resolver';
import type { ArticleView } from '../modules/articles/dto/article.response';
import { CommentsResolver } from '../modules/comments/comments.resolver';
import { ProfilesResolver } from '../modules/profiles/profiles.resolver';
import { TagsResolver } from '../modules/tags/tags.resolver';
import { UsersResolver } from '../modules/users/users.resolver';
import type { GraphqlContext } from './context';
import { DEFAULT_FIRST_COMMENTS, MAX_FIRST_COMMENTS } from './limits';
import { TYPE_DEFS } from './schema.graphql';

type Resolve = GraphQLFieldResolver<unknown, GraphqlContext, Record<string, unknown>>;

/**
 * Each root field, answered by a method of a resolver class. The class is taken from the
 * container of the app that received the request (context.container), so two apps in one
 * process never share a resolver or a service, while the schema is built once per process.
 */
function on<T>(resolver: new (...args: never[]) => T, method: keyof T & string): Resolve {
  return (_source, args, context) => {
    const instance = context.container.get(resolver) as Record<string, (...params: unknown[]) => unknown>;
    return instance[method](args, context);
  };
}

const ROOT_FIELDS: Record<'Query' | 'Mutation', Record<string, Resolve>> = {
  Query: {
    articles: on(ArticlesResolver, 'list'),
    article: on(ArticlesResolver, 'article'),
    feed: on(ArticlesResolver, 'feed'),
    profile: on(ProfilesResolver, 'profile'),
    tags: on(TagsResolver, 'list'),
    me: on(UsersResolver, 'me'),
    comments: on(CommentsResolver, 'list'),
  },
  Mutation: {
    register: on(UsersResolver, 'register'),
    login: on(UsersResolver, 'login'),
    updateMe: on(UsersResolver, 'updateMe'),
    createArticle: on(ArticlesResolver, 'createArticle'),
    updateArticle: on(ArticlesResolver, 'updateArticle'),
    deleteArticle: on(ArticlesResolver, 'deleteArticle'),
    favoriteArticle: on(ArticlesResolver, 'favoriteArticle'),
    unfavoriteArticle: on(ArticlesResolver, 'unfavoriteArticle'),
    addComment: on(CommentsResolver, 'addComment'),
    deleteComment: on(CommentsResolver, 'deleteComment'),
    follow: on(ProfilesResolver, 'follow'),
    unfollow: on(ProfilesResolver, 'unfollow'),
  },
};

/** `Article.comments(first)`: through the request's loader, so a page costs one statement. */
const articleComments: GraphQLFieldResolver<ArticleView, GraphqlContext, { first?: number | null }> = (
  article,
  { first },
  context,
) => {
  // Like a REST `limit`: below 1 is refused, above the maximum clamped.
  if (typeof first === 'number' && first < 1) throw new Invalid('first must not be less than 1');
  const count = typeof first === 'number' ? Math.min(first, MAX_FIRST_COMMENTS) : DEFAULT_FIRST_COMMENTS;
  return context.firstComments(article.slug, count);
};

function build(): GraphQLSchema {
  const schema = buildSchema(TYPE_DEFS);
  for (const [typeName, fields] of Object.entries(ROOT_FIELDS)) {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) throw new Error(`the schema has no ${typeName} type`);
    const defined = type.getFields();
    for (const [name, resolve] of Object.entries(fields)) {
      const field = defined[name];
      if (!field) throw new Error(`the schema has no ${typeName}.${name}`);
      field.resolve = resolve;
    }
    const unresolved = Object.keys(defined).filter((name) => !fields[name]);
    if (unresolved.length > 0) throw new Error(`no resolver for ${typeName}.${unresolved.join(', ')}`);
  }
  const article = schema.getType('Article');
  if (!isObjectType(article)) throw new Error('the schema has no Article type');
  article.getFields().comments.resolve = articleComments as GraphQLFieldResolver<unknown, unknown>;
  return schema;
}

let schema: GraphQLSchema | undefined;

/** The executable schema, built on first use and shared by every app in the process. */
export function graphqlSchema(): GraphQLSchema {
  schema ??= build();
  return schema;
}
