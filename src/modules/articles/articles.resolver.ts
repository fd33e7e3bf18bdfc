import { Service } from 'typedi';
import type { GraphqlContext } from '../../graphql/context';
import { validInput } from '../../graphql/input';
import { ArticlesService } from './articles.service';
import type { ArticleView, MultipleArticlesResponse } from './dto/article.response';
import {
  CreateArticleRequest,
  type NewArticle,
  type UpdateArticle,
  UpdateArticleRequest,
} from './dto/article-request.dto';
import { ListArticlesQuery, PageQuery } from './dto/list-articles.query';

/** The GraphQL operations on articles: the REST controller's, through the same service and DTOs. */
@Service()
export class ArticlesResolver {
  constructor(private readonly articles: ArticlesService) {}

  async list(args: object, context: GraphqlContext): Promise<MultipleArticlesResponse> {
    const query = await validInput(ListArticlesQuery, args);
    return this.articles.list(query, await context.viewer());
  }

  async feed(args: object, context: GraphqlContext): Promise<MultipleArticlesResponse> {
    const query = await validInput(PageQuery, args);
    return this.articles.feed(query, await context.requireViewer());
  }

  async article(args: { slug: string }, context: GraphqlContext): Promise<ArticleView> {
    return this.articles.get(args.slug, await context.viewer());
  }

  async createArticle(args: { input: NewArticle }, context: GraphqlContext): Promise<ArticleView> {
    const author = await context.requireViewer();
    const { article } = await validInput(CreateArticleRequest, { article: args.input });
    return this.articles.create(author, article);
  }

  async updateArticle(args: { slug: string; input: UpdateArticle }, context: GraphqlContext): Promise<ArticleView> {
    const user = await context.requireViewer();
    const { article } = await validInput(UpdateArticleRequest, { article: args.input });
    return this.articles.update(user, args.slug, article);
  }

  async deleteArticle(args: { slug: string }, context: GraphqlContext): Promise<boolean> {
    await this.articles.delete(await context.requireViewer(), args.slug);
    return true;
  }

  async favoriteArticle(args: { slug: string }, context: GraphqlContext): Promise<ArticleView> {
    return this.articles.favorite(await context.requireViewer(), args.slug);
  }

  async unfavoriteArticle(args: { slug: string }, context: GraphqlContext): Promise<ArticleView> {
    return this.articles.unfavorite(await context.requireViewer(), args.slug);
  }
}
