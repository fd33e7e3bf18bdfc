import { EntityRepository, type Knex } from '@mikro-orm/postgresql';
import { ownProfile, type ProfileRow, profileColumns, toProfile } from '../profiles/profile.repository';
import type { Article } from './article.entity';
import type { ArticleView } from './dto/article.response';

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

/** One row of the article reads below. */
interface ArticleRow extends ProfileRow {
  id: number;
  slug: string;
  title: string;
  description: string;
  body?: string;
  tag_list: string[];
  created_at: Date;
  updated_at: Date;
  favorites_count: number;
  favorited: boolean;
  total?: number;
}

/**
 * Reads articles as response views in ONE statement each: author profile, tags, favorites count,
 * and the viewer's `favorited` / `following` flags come from correlated subqueries over indexed
 * columns, evaluated only for the rows of the page. Writes go through the unit of work as usual;
 * reads skip entity hydration, which is most of an ORM's cost on a list.
 *
 * Statements are knex raw SQL with named bindings (and nested fragments carrying their own), so a
 * value always travels with the text that uses it.
 */
export class ArticleRepository extends EntityRepository<Article> {
  async findPage(
    filter: ArticleFilter,
    page: ArticlePage,
    viewerId: number | undefined,
  ): Promise<{ articles: ArticleView[]; total: number }> {
    const knex = this.knex();
    const rows = await this.getEntityManager().execute<ArticleRow[]>(
      knex.raw(
        `select :columns, (select count(*) from articles c where :countWhere)::int as total
           from articles a
           join users u on u.id = a.author_id
          where :where
          order by a.created_at desc, a.id desc
          limit :limit offset :offset`,
        {
          columns: articleColumns(knex, { withBody: false, viewerId }),
          countWhere: filterSql(knex, 'c', filter),
          where: filterSql(knex, 'a', filter),
          limit: page.limit,
          offset: page.offset,
        },
      ),
    );
    const articles = rows.map(toArticleView);
    if (rows.length > 0) return { articles, total: Number(rows[0].total) };
    // An empty page (offset past the end) carries no total; ask for it alone.
    return { articles, total: page.offset === 0 ? 0 : await this.countMatching(filter) };
  }

  async findOneView(filter: ArticleFilter, viewerId: number | undefined): Promise<ArticleView | undefined> {
    const knex = this.knex();
    const [row] = await this.getEntityManager().execute<ArticleRow[]>(
      knex.raw(
        `select :columns
           from articles a
           join users u on u.id = a.author_id
          where :where
          limit 1`,
        { columns: articleColumns(knex, { withBody: true, viewerId }), where: filterSql(knex, 'a', filter) },
      ),
    );
    return row && toArticleView(row);
  }

  /**
   * Idempotent; a slug that matches nothing adds nothing. Favorites are counted from these rows,
   * so the count stays exact under races.
   */
  async addFavorite(userId: number, slug: string): Promise<void> {
    await this.getEntityManager().execute(
      this.knex().raw(
        `insert into favorites (user_id, article_id)
         select :userId, a.id from articles a where a.slug = :slug
         on conflict do nothing`,
        { userId, slug },
      ),
    );
  }

  async removeFavorite(userId: number, slug: string): Promise<void> {
    await this.getEntityManager().execute(
      this.knex().raw(
        'delete from favorites f using articles a where f.article_id = a.id and a.slug = :slug and f.user_id = :userId',
        { userId, slug },
      ),
    );
  }

  private async countMatching(filter: ArticleFilter): Promise<number> {
    const knex = this.knex();
    const [row] = await this.getEntityManager().execute<{ total: number }[]>(
      knex.raw('select count(*)::int as total from articles c where :where', { where: filterSql(knex, 'c', filter) }),
    );
    return Number(row.total);
  }

  private knex(): Knex {
    return this.getEntityManager().getKnex();
  }
}

/** The view of an article its author just wrote: no favorites yet, and nobody follows themselves. */
export function newArticleView(article: Article): ArticleView {
  return {
    slug: article.slug,
    title: article.title,
    description: article.description,
    body: article.body,
    tagList: article.tagList,
    createdAt: article.createdAt.toISOString(),
    updatedAt: article.updatedAt.toISOString(),
    favorited: false,
    favoritesCount: 0,
    author: ownProfile(article.author),
  };
}

function toArticleView(row: ArticleRow): ArticleView {
  return {
    slug: row.slug,
    title: row.title,
    description: row.description,
    ...(row.body !== undefined && { body: row.body }),
    tagList: row.tag_list,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    favorited: row.favorited,
    favoritesCount: Number(row.favorites_count),
    author: toProfile(row),
  };
}

/** The `ArticleRow` columns of article `a` by author `u`, as the viewer (undefined: anonymous) sees them. */
function articleColumns(knex: Knex, { withBody, viewerId }: { withBody: boolean; viewerId: number | undefined }) {
  return knex.raw(
    `a.id, a.slug, a.title, a.description, ${withBody ? 'a.body, ' : ''}a.tag_list, a.created_at, a.updated_at,
     :author,
     (select count(*) from favorites f where f.article_id = a.id)::int as favorites_count,
     exists(select 1 from favorites f where f.article_id = a.id and f.user_id = :viewerId) as favorited`,
    { author: profileColumns(knex, 'u', 'a.author_id', viewerId), viewerId: viewerId ?? null },
  );
}

/**
 * The WHERE clause for a filter over the `articles` row aliased `alias`: fixed SQL text, each
 * condition carrying its own value.
 */
function filterSql(knex: Knex, alias: string, filter: ArticleFilter): Knex.Raw {
  const column = (name: string) => `${alias}.${name}`;
  const conditions: Knex.Raw[] = [];
  if (filter.id !== undefined) {
    conditions.push(knex.raw(':column: = :id', { column: column('id'), id: filter.id }));
  }
  if (filter.slug !== undefined) {
    conditions.push(knex.raw(':column: = :slug', { column: column('slug'), slug: filter.slug }));
  }
  if (filter.tag !== undefined) {
    // `@>` on the GIN-indexed array.
    conditions.push(knex.raw(':column: @> array[:tag]::text[]', { column: column('tag_list'), tag: filter.tag }));
  }
  if (filter.author !== undefined) {
    conditions.push(
      knex.raw(':column: = (select id from users where username_key = :author)', {
        column: column('author_id'),
        author: filter.author,
      }),
    );
  }
  if (filter.favoritedBy !== undefined) {
    conditions.push(
      knex.raw(
        ':column: in (select f.article_id from favorites f where f.user_id = (select id from users where username_key = :user))',
        { column: column('id'), user: filter.favoritedBy },
      ),
    );
  }
  if (filter.feedOf !== undefined) {
    conditions.push(
      knex.raw(':column: in (select fo.followee_id from follows fo where fo.follower_id = :follower)', {
        column: column('author_id'),
        follower: filter.feedOf,
      }),
    );
  }
  if (conditions.length === 0) return knex.raw('true');
  // Only the fragments are joined; each brings its own bindings.
  return knex.raw(conditions.map(() => '?').join(' and '), conditions);
}
