import DataLoader from 'dataloader';
import type { ContainerInstance } from 'typedi';
import { UnauthorizedError } from '../http/errors';
import type { AppContext } from '../http/state';
import { CommentsService } from '../modules/comments/comments.service';
import type { CommentView } from '../modules/comments/dto/comment.dto';
import type { User } from '../modules/users/user.entity';

/** The caller of a request, settled by the same checker the REST routes use (src/http/auth.ts). */
export type CurrentUser = (ctx: AppContext) => Promise<User | undefined>;

/**
 * What every resolver of one request receives. Nothing here touches the database until a
 * resolver asks: an operation the limits reject costs no SQL, not even the caller's lookup.
 */
export interface GraphqlContext extends Record<PropertyKey, unknown> {
  /** The Koa context of the request (request id, headers). */
  koa: AppContext;
  /** The container of the app that received the request: resolvers and services come from it. */
  container: ContainerInstance;
  /** The caller, or undefined when anonymous; a bad or expired token is UNAUTHENTICATED. */
  viewer(): Promise<User | undefined>;
  /** The caller; UNAUTHENTICATED when anonymous. */
  requireViewer(): Promise<User>;
  /** The newest `first` comments of an article, batched: one statement per page, not per article. */
  firstComments(slug: string, first: number): Promise<CommentView[]>;
}

export function createGraphqlContext(koa: AppContext, container: ContainerInstance, currentUser: CurrentUser) {
  let viewer: Promise<User | undefined> | undefined;
  const loadViewer = () => {
    viewer ??= currentUser(koa);
    return viewer;
  };
  // One loader per `first` asked for in the request (usually one), each batching every article
  // of the request's pages into one repository statement.
  const commentLoaders = new Map<number, DataLoader<string, CommentView[]>>();

  const context: GraphqlContext = {
    koa,
    container,
    viewer: loadViewer,
    async requireViewer() {
      const user = await loadViewer();
      if (!user) throw new UnauthorizedError();
      return user;
    },
    firstComments(slug, first) {
      let loader = commentLoaders.get(first);
      if (!loader) {
        loader = new DataLoader<string, CommentView[]>(async (slugs) => {
          const bySlug = await container.get(CommentsService).firstOfMany(slugs, first, await loadViewer());
          return slugs.map((one) => bySlug.get(one) ?? []);
        });
        commentLoaders.set(first, loader);
      }
      return loader.load(slug);
    },
  };
  return context;
}
