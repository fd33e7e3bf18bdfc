import { EntityManager } from '@mikro-orm/postgresql';
import { Service } from 'typedi';
import { Forbidden, NotFound } from '../../domain/errors';
import { ownProfileRow } from '../profiles/dto/profile.response';
import type { User } from '../users/user.entity';
import { usernameKey } from '../users/username-key';
import { Article } from './article.entity';
import { type ArticleFilter, ArticleRepository } from './article.repository';
import { unlessArticleGone } from './article-gone';
import { type ArticleView, type MultipleArticlesResponse, toArticleView } from './dto/article.response';
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
    const filter: ArticleFilter = {};
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
    await this.em.flush();
    // A new article has no favorites, and nobody follows themselves: no need to read it back.
    return toArticleView({
      id: article.id,
      slug: article.slug,
      title: article.title,
      description: article.description,
      body: article.body,
      tag_list: article.tagList,
      created_at: article.createdAt,
      updated_at: article.updatedAt,
      favorites_count: 0,
      favorited: false,
      ...ownProfileRow(author),
    });
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

  /** Idempotent; the count is computed from the favorites rows, so it stays exact under races. */
  async favorite(user: User, slug: string): Promise<ArticleView> {
    await unlessArticleGone(() =>
      this.em.execute(
        `insert into favorites (user_id, article_id)
         select ?, a.id from articles a where a.slug = ?
         on conflict do nothing`,
        [user.id, slug],
      ),
    );
    return this.view({ slug }, user);
  }

  async unfavorite(user: User, slug: string): Promise<ArticleView> {
    await this.em.execute(
      'delete from favorites f using articles a where f.article_id = a.id and a.slug = ? and f.user_id = ?',
      [slug, user.id],
    );
    return this.view({ slug }, user);
  }

  private async page(filter: ArticleFilter, query: PageQuery, viewer: User | undefined) {
    const limit = Math.min(query.limit ?? DEFAULT_LIMIT, MAX_LIMIT);
    const offset = query.offset ?? 0;
    const { rows, total } = await this.articles.findPage(filter, { limit, offset }, viewer?.id);
    return { articles: rows.map(toArticleView), articlesCount: total };
  }

  private async view(filter: ArticleFilter, viewer: User | undefined): Promise<ArticleView> {
    const row = await this.articles.findOneView(filter, viewer?.id);
    if (!row) throw new NotFound('article not found');
    return toArticleView(row);
  }

  /** The article, if it exists (404) and the user wrote it (403). */
  private async findOwned(user: User, slug: string): Promise<Article> {
    const article = await this.articles.findOne({ slug });
    if (!article) throw new NotFound('article not found');
    if (article.author.id !== user.id) throw new Forbidden('only the author may change this article');
    return article;
  }
}
