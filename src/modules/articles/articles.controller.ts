import {
  Authorized,
  Body,
  CurrentUser,
  Delete,
  Get,
  HttpCode,
  JsonController,
  OnUndefined,
  Param,
  Post,
  Put,
  QueryParams,
} from 'routing-controllers';
import { Service } from 'typedi';
import { PLAIN_RESPONSES } from '../../http/controller-options';
import { Documented } from '../../http/openapi/documented';
import type { User } from '../users/user.entity';
import { ArticlesService } from './articles.service';
import { MultipleArticlesResponse, SingleArticleResponse } from './dto/article.response';
import { CreateArticleRequest, UpdateArticleRequest } from './dto/article-request.dto';
import { ListArticlesQuery, PageQuery } from './dto/list-articles.query';

/** Articles and favorites. `/feed` is declared before `/:slug` so it is not taken for a slug. */
@Service()
@JsonController('/api/articles', PLAIN_RESPONSES)
export class ArticlesController {
  constructor(private readonly articles: ArticlesService) {}

  @Get('/')
  @Documented({
    summary: 'List articles, newest first, filtered by tag, author or favoriting user',
    auth: 'optional',
    responses: { 200: MultipleArticlesResponse },
    errors: [422],
  })
  list(
    @QueryParams() query: ListArticlesQuery,
    @CurrentUser({ required: false }) viewer?: User,
  ): Promise<MultipleArticlesResponse> {
    return this.articles.list(query, viewer);
  }

  @Get('/feed')
  @Authorized()
  @Documented({
    summary: 'Articles by the users the caller follows, newest first',
    auth: 'required',
    responses: { 200: MultipleArticlesResponse },
    errors: [422],
  })
  feed(
    @QueryParams() query: PageQuery,
    @CurrentUser({ required: true }) viewer: User,
  ): Promise<MultipleArticlesResponse> {
    return this.articles.feed(query, viewer);
  }

  @Get('/:slug')
  @Documented({
    summary: 'Get an article',
    auth: 'optional',
    responses: { 200: SingleArticleResponse },
    errors: [404],
  })
  async get(
    @Param('slug') slug: string,
    @CurrentUser({ required: false }) viewer?: User,
  ): Promise<SingleArticleResponse> {
    return { article: await this.articles.get(slug, viewer) };
  }

  @Post('/')
  @HttpCode(201)
  @Authorized()
  @Documented({
    summary: 'Create an article',
    auth: 'required',
    body: true,
    responses: { 201: SingleArticleResponse },
  })
  async create(
    @Body() body: CreateArticleRequest,
    @CurrentUser({ required: true }) author: User,
  ): Promise<SingleArticleResponse> {
    return { article: await this.articles.create(author, body.article) };
  }

  @Put('/:slug')
  @Authorized()
  @Documented({
    summary: "Update an article (the author's own); a new title gives a new slug",
    auth: 'required',
    body: true,
    responses: { 200: SingleArticleResponse },
    errors: [403, 404],
  })
  async update(
    @Param('slug') slug: string,
    @Body() body: UpdateArticleRequest,
    @CurrentUser({ required: true }) user: User,
  ): Promise<SingleArticleResponse> {
    return { article: await this.articles.update(user, slug, body.article) };
  }

  @Delete('/:slug')
  @Authorized()
  @OnUndefined(204)
  @Documented({
    summary: "Delete an article (the author's own) with its comments and favorites",
    auth: 'required',
    responses: { 204: 'none' },
    errors: [403, 404],
  })
  async delete(@Param('slug') slug: string, @CurrentUser({ required: true }) user: User): Promise<void> {
    await this.articles.delete(user, slug);
  }

  @Post('/:slug/favorite')
  @Authorized()
  @Documented({
    summary: 'Favorite an article',
    auth: 'required',
    responses: { 200: SingleArticleResponse },
    errors: [404],
  })
  async favorite(
    @Param('slug') slug: string,
    @CurrentUser({ required: true }) user: User,
  ): Promise<SingleArticleResponse> {
    return { article: await this.articles.favorite(user, slug) };
  }

  @Delete('/:slug/favorite')
  @Authorized()
  @Documented({
    summary: 'Unfavorite an article',
    auth: 'required',
    responses: { 200: SingleArticleResponse },
    errors: [404],
  })
  async unfavorite(
    @Param('slug') slug: string,
    @CurrentUser({ required: true }) user: User,
  ): Promise<SingleArticleResponse> {
    return { article: await this.articles.unfavorite(user, slug) };
  }
}
