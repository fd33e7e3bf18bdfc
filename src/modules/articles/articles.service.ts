import { EntityManager } from '@mikro-orm/postgresql';
import { Service } from 'typedi';
import { Forbidden, NotFound } from '../../domain/errors';
import type { User } from '../users/user.entity';
import { usernameKey } from '../users/username-key';
import { Article } from './article.entity';
import { type ArticleFilter, ArticleRepository, newArticleView } from './article.repository';
import { unlessArticleGone } from './article-gone';
import type { ArticleView, MultipleArticlesResponse } from './dto/article.response';
import { DEFAULT_LIMIT, MAX_LIMIT } from './dto/article-fields';
import type { NewArticle, UpdateArticle } from './dto/article-request.dto';
import type { ListArticlesQuery, PageQuery } from './dto/list-articles.query';
import { uniqueSlug } from './slug';
import { normalizeTags } from './tag-list';

@Service()
export class ArticlesService {
  constructor(
    private readonly em: EntityManager,
    private readonly articles: ArticleRepository,
  ) {}

  list(query: ListArticlesQuery, viewer: User | undefined): Promise<MultipleArticlesResponse> {
    // An undefined field is no filter.
    const filter: ArticleFilter = { search: query.search };
    // A blank tag names no tag, so it matches nothing (it must not become "no tag filter").
    // Stryker disable next-line StringLiteral: any text that no stored (lower-case) tag equals will do
    if (query.tag !== undefined) filter.tag = normalizeTags([query.tag])[0] ?? '';
    if (query.author !== undefined) filter.author = usernameKey(query.author);
    if (query.favorited !== undefined) filter.favoritedBy = usernameKey(query.favorited);
    return this.page(filter, query, viewer);
  }

  /** Articles by the authors the viewer follows, newest first. */
  feed(query: PageQuery, viewer: User): Promise<MultipleArticlesResponse> {
    return this.page({ feedOf: viewer.id }, query, viewer);
  }

  async get(slug: string, viewer: User | undefined): Promise<ArticleView> {
    return this.view({ slug }, viewer);
  }

  async create(author: User, input: NewArticle): Promise<ArticleView> {
    const article = this.articles.create({
      slug: uniqueSlug(input.title),
      title: input.title.trim(),
      description: input.description,
      body: input.body,
      tagList: normalizeTags(input.tagList ?? []),
      author,
    });
    await this.articles.insertNew(article, () => uniqueSlug(input.title));
    // Nothing else can be known about an article this new: mapped from the entity, not read back.
    return newArticleView(article);
  }

  async update(user: User, slug: string, changes: UpdateArticle): Promise<ArticleView> {
    const article = await this.findOwned(user, slug);
    if (changes.title !== undefined && changes.title.trim() !== article.title) {
      article.title = changes.title.trim();
      article.slug = uniqueSlug(article.title);
    }
    if (changes.description !== undefined) article.description = changes.description;
    if (changes.body !== undefined) article.body = changes.body;
    if (changes.tagList !== undefined) article.tagList = normalizeTags(changes.tagList);
    await this.em.flush();
    return this.view({ id: article.id }, user);
  }

  async delete(user: User, slug: string): Promise<void> {
    const article = await this.findOwned(user, slug);
    // Favorites and comments go with it (ON DELETE CASCADE).
    await this.em.remove(article).flush();
  }

  /** Idempotent; 404 if the article is gone, even if it went while favoriting. */
  async favorite(user: User, slug: string): Promise<ArticleView> {
    await unlessArticleGone(() => this.articles.addFavorite(user.id, slug));
    return this.view({ slug }, user);
  }

  async unfavorite(user: User, slug: string): Promise<ArticleView> {
    await this.articles.removeFavorite(user.id, slug);
    return this.view({ slug }, user);
  }

  private async page(filter: ArticleFilter, query: PageQuery, viewer: User | undefined) {
    const limit = Math.min(query.limit ?? DEFAULT_LIMIT, MAX_LIMIT);
    const offset = query.offset ?? 0;
    const { articles, total } = await this.articles.findPage(filter, { limit, offset }, viewer?.id);
    return { articles, articlesCount: total };
  }

  private async view(filter: ArticleFilter, viewer: User | undefined): Promise<ArticleView> {
    const article = await this.articles.findOneView(filter, viewer?.id);
    if (!article) throw new NotFound('article not found');
    return article;
  }

  /** The article, if it exists (404) and the user wrote it (403). */
  private async findOwned(user: User, slug: string): Promise<Article> {
    const article = await this.articles.findOne({ slug });
    if (!article) throw new NotFound('article not found');
    if (article.author.id !== user.id) throw new Forbidden('only the author may change this article');
    return article;
  }
}
