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
import type { User } from '../users/user.entity';
import { ArticlesService } from './articles.service';
import type { MultipleArticlesResponse, SingleArticleResponse } from './dto/article.response';
import { CreateArticleRequest, UpdateArticleRequest } from './dto/article-request.dto';
import { ListArticlesQuery, PageQuery } from './dto/list-articles.query';

/** Articles and favorites. `/feed` is declared before `/:slug` so it is not taken for a slug. */
@Service()
@JsonController('/api/articles', PLAIN_RESPONSES)
export class ArticlesController {
  constructor(private readonly articles: ArticlesService) {}

  @Get('/')
  list(
    @QueryParams() query: ListArticlesQuery,
    @CurrentUser({ required: false }) viewer?: User,
  ): Promise<MultipleArticlesResponse> {
    return this.articles.list(query, viewer);
  }

  @Get('/feed')
  @Authorized()
  feed(
    @QueryParams() query: PageQuery,
    @CurrentUser({ required: true }) viewer: User,
  ): Promise<MultipleArticlesResponse> {
    return this.articles.feed(query, viewer);
  }

  @Get('/:slug')
  async get(
    @Param('slug') slug: string,
    @CurrentUser({ required: false }) viewer?: User,
  ): Promise<SingleArticleResponse> {
    return { article: await this.articles.get(slug, viewer) };
  }

  @Post('/')
  @HttpCode(201)
  @Authorized()
  async create(
    @Body() body: CreateArticleRequest,
    @CurrentUser({ required: true }) author: User,
  ): Promise<SingleArticleResponse> {
    return { article: await this.articles.create(author, body.article) };
  }

  @Put('/:slug')
  @Authorized()
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
  async delete(@Param('slug') slug: string, @CurrentUser({ required: true }) user: User): Promise<void> {
    await this.articles.delete(user, slug);
  }

  @Post('/:slug/favorite')
  @Authorized()
  async favorite(
    @Param('slug') slug: string,
    @CurrentUser({ required: true }) user: User,
  ): Promise<SingleArticleResponse> {
    return { article: await this.articles.favorite(user, slug) };
  }

  @Delete('/:slug/favorite')
  @Authorized()
  async unfavorite(
    @Param('slug') slug: string,
    @CurrentUser({ required: true }) user: User,
  ): Promise<SingleArticleResponse> {
    return { article: await this.articles.unfavorite(user, slug) };
  }
}
