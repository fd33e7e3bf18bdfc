import { EntityRepository } from '@mikro-orm/postgresql';
import type { Article } from './article.entity';
import type { ArticleRow } from './dto/article.response';

/** Which articles a read wants; every given field narrows the set (AND). */
export interface ArticleFilter {
  id?: number;
  slug?: string;
  tag?: string;
  /** `usernameKey` of the author. */
  author?: string;
  /** `usernameKey` of a user who favorited them. */
  favoritedBy?: string;
  /** Id of a user: articles by the authors they follow. */
  feedOf?: number;
}

export interface ArticlePage {
  limit: number;
  offset: number;
}

/**
 * Reads articles as response rows in ONE statement each: author profile, tags, favorites count,
 * and the viewer's `favorited` / `following` flags come from correlated subqueries over indexed
 * columns, evaluated only for the rows of the page. Writes go through the unit of work as usual;
 * reads skip entity hydration, which is most of an ORM's cost on a list.
 */
export class ArticleRepository extends EntityRepository<Article> {
  async findPage(
    filter: ArticleFilter,
    page: ArticlePage,
    viewerId: number | undefined,
  ): Promise<{ rows: ArticleRow[]; total: number }> {
    const where = filterSql('a', filter);
    const countWhere = filterSql('c', filter);
    const rows = await this.getEntityManager().execute<ArticleRow[]>(
      `${selectArticles({ withBody: false })},
              (select count(*) from articles c where ${countWhere.sql})::int as total
         from articles a
         join users u on u.id = a.author_id
        where ${where.sql}
        order by a.created_at desc, a.id desc
        limit ? offset ?`,
      [viewerId ?? null, viewerId ?? null, ...countWhere.params, ...where.params, page.limit, page.offset],
    );
    if (rows.length > 0) return { rows, total: Number(rows[0].total) };
    // An empty page (offset past the end) carries no total; ask for it alone.
    return { rows, total: page.offset === 0 ? 0 : await this.countMatching(filter) };
  }

  async findOneView(filter: ArticleFilter, viewerId: number | undefined): Promise<ArticleRow | undefined> {
    const where = filterSql('a', filter);
    const [row] = await this.getEntityManager().execute<ArticleRow[]>(
      `${selectArticles({ withBody: true })}
         from articles a
         join users u on u.id = a.author_id
        where ${where.sql}
        limit 1`,
      [viewerId ?? null, viewerId ?? null, ...where.params],
    );
    return row;
  }

  private async countMatching(filter: ArticleFilter): Promise<number> {
    const where = filterSql('c', filter);
    const [row] = await this.getEntityManager().execute<{ total: number }[]>(
      `select count(*)::int as total from articles c where ${where.sql}`,
      where.params,
    );
    return Number(row.total);
  }
}

/** The response columns; the two placeholders are the viewer id (null when anonymous). */
function selectArticles({ withBody }: { withBody: boolean }): string {
  return `select a.id, a.slug, a.title, a.description, ${withBody ? 'a.body, ' : ''}a.tag_list,
                a.created_at, a.updated_at, u.username, u.bio, u.image,
                (select count(*) from favorites f where f.article_id = a.id)::int as favorites_count,
                exists(select 1 from favorites f where f.article_id = a.id and f.user_id = ?) as favorited,
                exists(select 1 from follows fo where fo.follower_id = ? and fo.followee_id = a.author_id) as following`;
}

/**
 * The WHERE clause for a filter over the `articles` row aliased `alias`. Values are bound
 * parameters; only fixed SQL text is concatenated.
 */
function filterSql(alias: string, filter: ArticleFilter): { sql: string; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (filter.id !== undefined) {
    conditions.push(`${alias}.id = ?`);
    params.push(filter.id);
  }
  if (filter.slug !== undefined) {
    conditions.push(`${alias}.slug = ?`);
    params.push(filter.slug);
  }
  if (filter.tag !== undefined) {
    // `@>` on the GIN-indexed array.
    conditions.push(`${alias}.tag_list @> array[?]::text[]`);
    params.push(filter.tag);
  }
  if (filter.author !== undefined) {
    conditions.push(`${alias}.author_id = (select id from users where username_key = ?)`);
    params.push(filter.author);
  }
  if (filter.favoritedBy !== undefined) {
    conditions.push(
      `${alias}.id in (select f.article_id from favorites f where f.user_id = (select id from users where username_key = ?))`,
    );
    params.push(filter.favoritedBy);
  }
  if (filter.feedOf !== undefined) {
    conditions.push(`${alias}.author_id in (select fo.followee_id from follows fo where fo.follower_id = ?)`);
    params.push(filter.feedOf);
  }
  return { sql: conditions.length > 0 ? conditions.join(' and ') : 'true', params };
}
