import { Arg, Args, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Service } from 'typedi';
import { Invalid } from '../../domain/errors';
import type { GraphqlContext } from '../../graphql/context';
import { validInput } from '../../graphql/input';
import { DEFAULT_FIRST_COMMENTS, MAX_FIRST_COMMENTS } from '../../graphql/limits';
import {
  ArticleListType,
  ArticlesArgs,
  ArticleType,
  CommentType,
  NewArticleInput,
  PageArgs,
  UpdateArticleInput,
} from '../../graphql/types';
import type { CommentView } from '../comments/dto/comment.dto';
import { ArticlesService } from './articles.service';
import type { ArticleView, MultipleArticlesResponse } from './dto/article.response';
import { CreateArticleRequest, UpdateArticleRequest } from './dto/article-request.dto';
import { ListArticlesQuery, PageQuery } from './dto/list-articles.query';

/** The GraphQL operations on articles: the REST controller's, through the same service and DTOs. */
@Service()
@Resolver(() => ArticleType)
export class ArticlesResolver {
  constructor(private readonly articles: ArticlesService) {}

  @Query(() => ArticleListType, {
    name: 'articles',
    description: 'Newest first (most relevant first with search); limit defaults to 20 and is clamped to 100.',
  })
  async list(
    @Args(() => ArticlesArgs) args: ArticlesArgs,
    @Ctx() context: GraphqlContext,
  ): Promise<MultipleArticlesResponse> {
    const query = await validInput(ListArticlesQuery, args);
    return this.articles.list(query, await context.viewer());
  }

  @Query(() => ArticleListType, { description: 'Articles by the authors the caller follows (token required).' })
  async feed(@Args(() => PageArgs) args: PageArgs, @Ctx() context: GraphqlContext): Promise<MultipleArticlesResponse> {
    const query = await validInput(PageQuery, args);
    return this.articles.feed(query, await context.requireViewer());
  }

  @Query(() => ArticleType)
  async article(@Arg('slug', () => String) slug: string, @Ctx() context: GraphqlContext): Promise<ArticleView> {
    return this.articles.get(slug, await context.viewer());
  }

  /** Through the request's loader, so a page of articles costs one statement for all their comments. */
  @FieldResolver(() => [CommentType], {
    description: 'The newest comments, at most first (default 5, clamped to 20); batched across a page.',
  })
  comments(
    @Root() article: ArticleView,
    @Arg('first', () => Int, { defaultValue: DEFAULT_FIRST_COMMENTS }) first: number,
    @Ctx() context: GraphqlContext,
  ): Promise<CommentView[]> {
    // Like a REST `limit`: below 1 is refused, above the maximum clamped.
    if (first < 1) throw new Invalid('first must not be less than 1');
    return context.firstComments(article.slug, Math.min(first, MAX_FIRST_COMMENTS));
  }

  @Mutation(() => ArticleType)
  async createArticle(
    @Arg('input', () => NewArticleInput) input: NewArticleInput,
    @Ctx() context: GraphqlContext,
  ): Promise<ArticleView> {
    const author = await context.requireViewer();
    const { article } = await validInput(CreateArticleRequest, { article: input });
    return this.articles.create(author, article);
  }

  @Mutation(() => ArticleType)
  async updateArticle(
    @Arg('slug', () => String) slug: string,
    @Arg('input', () => UpdateArticleInput) input: UpdateArticleInput,
    @Ctx() context: GraphqlContext,
  ): Promise<ArticleView> {
    const user = await context.requireViewer();
    const { article } = await validInput(UpdateArticleRequest, { article: input });
    return this.articles.update(user, slug, article);
  }

  @Mutation(() => Boolean)
  async deleteArticle(@Arg('slug', () => String) slug: string, @Ctx() context: GraphqlContext): Promise<boolean> {
    await this.articles.delete(await context.requireViewer(), slug);
    return true;
  }

  @Mutation(() => ArticleType)
  async favoriteArticle(@Arg('slug', () => String) slug: string, @Ctx() context: GraphqlContext): Promise<ArticleView> {
    return this.articles.favorite(await context.requireViewer(), slug);
  }

  @Mutation(() => ArticleType)
  async unfavoriteArticle(
    @Arg('slug', () => String) slug: string,
    @Ctx() context: GraphqlContext,
  ): Promise<ArticleView> {
    return this.articles.unfavorite(await context.requireViewer(), slug);
  }
}
