import { EntityRepository } from '@mikro-orm/postgresql';
import { NamedSql } from '../../db/named-sql';
import { readRows } from '../../db/replica-reads';
import { ownProfile, type ProfileRow, profileColumns, toProfile } from '../profiles/profile.repository';
import type { Article } from './article.entity';
import type { ArticleView } from './dto/article.response';
import { searchTsQuery } from './search-query';

/** Inserts of one new article under fresh slugs before a taken slug is reported. */
const SLUG_ATTEMPTS = 5;

/** The slug's unique index refused the row (only a unique violation can name that constraint). */
function isSlugTaken(error: unknown): boolean {
  return (error as { constraint?: string }).constraint === 'articles_slug_unique';
}

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
  /**
   * `?search=` text as the user typed it: full-text search, and the list is then ranked by
   * relevance. Text without any word is no filter (see `searchTsQuery`).
   */
  search?: string;
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
 * Statements are SQL text with named placeholders, compiled once per variant (which filters are
 * given) by `NamedSql`, so a value always travels with the text that uses it and no request
 * re-parses SQL.
 */
export class ArticleRepository extends EntityRepository<Article> {
  /**
   * Writes a new article (made with `create()`) in ONE statement, outside any transaction. Its
   * trigger locks the rows of the article's tags in `tags`; a flush would wrap the insert in
   * BEGIN … COMMIT and hold those locks across two more round trips (and our event loop's delay
   * in sending COMMIT), queueing every concurrent writer of a popular tag behind them: 0.23× the
   * baseline's POST /api/articles on the bench, against one autocommitted INSERT there.
   *
   * A slug already taken (its random suffix drawn twice: 1 in ~2.2 billion per pair of articles
   * with one title, met once in ~11,000 on the bench) is not the client's doing: the insert is
   * tried again under `nextSlug()`, up to SLUG_ATTEMPTS times in all.
   */
  async insertNew(article: Article, nextSlug: () => string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.getEntityManager().insert(article);
        return;
      } catch (error) {
        if (attempt >= SLUG_ATTEMPTS || !isSlugTaken(error)) throw error;
        article.slug = nextSlug();
      }
    }
  }

  async findPage(
    filter: ArticleFilter,
    page: ArticlePage,
    viewerId: number | undefined,
  ): Promise<{ articles: ArticleView[]; total: number }> {
    const { text, values, bound } = pageQuery(filter, page, viewerId);
    const rows = await readRows<ArticleRow[]>(this.getEntityManager(), text, values);
    const articles = rows.map(toArticleView);
    if (rows.length > 0) return { articles, total: Number(rows[0].total) };
    // An empty page (offset past the end) carries no total; ask for it alone.
    return { articles, total: page.offset === 0 ? 0 : await this.countMatching(bound) };
  }

  async findOneView(filter: ArticleFilter, viewerId: number | undefined): Promise<ArticleView | undefined> {
    const bound = withSearchQuery(filter);
    const statement = oneStatement(filterMask(bound));
    const [row] = await readRows<ArticleRow[]>(
      this.getEntityManager(),
      statement.text,
      statement.bind({ ...bound, viewerId: viewerId ?? null }),
    );
    return row && toArticleView(row);
  }

  /** Whether an article has this slug (a read: on a replica in a safe request). */
  async slugExists(slug: string): Promise<boolean> {
    const rows = await readRows<{ found: number }[]>(
      this.getEntityManager(),
      SLUG_EXISTS.text,
      SLUG_EXISTS.bind({ slug }),
    );
    return rows.length > 0;
  }

  /**
   * Idempotent; a slug that matches nothing adds nothing. Favorites are counted from these rows,
   * so the count stays exact under races.
   */
  async addFavorite(userId: number, slug: string): Promise<void> {
    await this.getEntityManager().execute(ADD_FAVORITE.text, ADD_FAVORITE.bind({ userId, slug }));
  }

  async removeFavorite(userId: number, slug: string): Promise<void> {
    await this.getEntityManager().execute(REMOVE_FAVORITE.text, REMOVE_FAVORITE.bind({ userId, slug }));
  }

  /** `filter` as bound: its search already a tsquery. */
  private async countMatching(filter: ArticleFilter): Promise<number> {
    const statement = countStatement(filterMask(filter));
    const [row] = await readRows<{ total: number }[]>(this.getEntityManager(), statement.text, statement.bind(filter));
    return Number(row.total);
  }
}

/**
 * The statement `findPage` sends, with its values (exported so a spec can EXPLAIN exactly it), and
 * the filter as bound.
 */
export function pageQuery(
  filter: ArticleFilter,
  page: ArticlePage,
  viewerId: number | undefined,
): { text: string; values: unknown[]; bound: ArticleFilter } {
  const bound = withSearchQuery(filter);
  const statement = pageStatement(filterMask(bound));
  const values = statement.bind({ ...bound, viewerId: viewerId ?? null, limit: page.limit, offset: page.offset });
  return { text: statement.text, values, bound };
}

const SLUG_EXISTS = NamedSql.compile('select 1 as found from articles where slug = :slug');
const ADD_FAVORITE = NamedSql.compile(
  `insert into favorites (user_id, article_id)
   select :userId, a.id from articles a where a.slug = :slug
   on conflict do nothing`,
);

const REMOVE_FAVORITE = NamedSql.compile(
  'delete from favorites f using articles a where f.article_id = a.id and a.slug = :slug and f.user_id = :userId',
);

/**
 * A page of a list or feed, with the total of the whole filter on every row. Newest first; with a
 * search, most relevant first, then newest.
 */
const pageStatement = NamedSql.cache((mask: number) => (mask === FEED_ONLY ? feedPageText() : pageText(mask)));

function pageText(mask: number): string {
  return `select ${articleColumns({ withBody: false })}, (select count(*) from articles c where ${filterText('c', mask)})::int as total
       from articles a
       join users u on u.id = a.author_id
      where ${filterText('a', mask)}
      order by ${mask & SEARCH_BIT ? `ts_rank(a.search_vector, ${SEARCH_TSQUERY}) desc, ` : ''}a.created_at desc, a.id desc
      limit :limit offset :offset`;
}

/**
 * The feed: each followed author's newest `limit + offset` articles through the
 * `(author_id, created_at)` index, merged. The general shape walks ALL articles newest first and
 * keeps those by followed authors, so its cost grows with what the reader does not follow: with
 * one prolific author outside the reader's follows (31,000 newer articles) it ran 65-150 ms
 * against 10-20 ms for this one, the same rows.
 */
function feedPageText(): string {
  return `select ${articleColumns({ withBody: false })},
     (select count(*) from follows cf join articles c on c.author_id = cf.followee_id where cf.follower_id = :feedOf)::int as total
       from follows fo
      cross join lateral (
        select * from articles n where n.author_id = fo.followee_id
         order by n.created_at desc, n.id desc
         limit :limit + :offset) a
       join users u on u.id = a.author_id
      where fo.follower_id = :feedOf
      order by a.created_at desc, a.id desc
      limit :limit offset :offset`;
}

const oneStatement = NamedSql.cache(
  (mask: number) =>
    `select ${articleColumns({ withBody: true })}
       from articles a
       join users u on u.id = a.author_id
      where ${filterText('a', mask)}
      limit 1`,
);

const countStatement = NamedSql.cache(
  (mask: number) => `select count(*)::int as total from articles c where ${filterText('c', mask)}`,
);

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
    // Lists select no body: undefined, which JSON leaves out.
    body: row.body,
    tagList: row.tag_list,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    favorited: row.favorited,
    favoritesCount: Number(row.favorites_count),
    author: toProfile(row),
  };
}

/**
 * The `ArticleRow` columns of article `a` by author `u`, as the viewer `:viewerId` (NULL:
 * anonymous) sees them.
 */
function articleColumns({ withBody }: { withBody: boolean }): string {
  return `a.id, a.slug, a.title, a.description, ${withBody ? 'a.body, ' : ''}a.tag_list, a.created_at, a.updated_at,
     ${profileColumns('u', 'a.author_id')},
     (select count(*) from favorites f where f.article_id = a.id)::int as favorites_count,
     exists(select 1 from favorites f where f.article_id = a.id and f.user_id = :viewerId) as favorited`;
}

/**
 * Each filter field's condition on the `articles` row aliased `alias`, bound to the placeholder
 * of the field's own name (`:tag` is `filter.tag`).
 */
const FILTER_CONDITIONS: { [K in keyof Required<ArticleFilter>]: (alias: string) => string } = {
  id: (alias) => `${alias}.id = :id`,
  slug: (alias) => `${alias}.slug = :slug`,
  // `@>` on the GIN-indexed array.
  tag: (alias) => `${alias}.tag_list @> array[:tag]::text[]`,
  author: (alias) => `${alias}.author_id = (select id from users where username_key = :author)`,
  favoritedBy: (alias) =>
    `${alias}.id in (select f.article_id from favorites f where f.user_id = (select id from users where username_key = :favoritedBy))`,
  feedOf: (alias) => `${alias}.author_id in (select fo.followee_id from follows fo where fo.follower_id = :feedOf)`,
  // `@@` on the GIN-indexed generated column; `:search` is a tsquery built by `withSearchQuery`.
  search: (alias) => `${alias}.search_vector @@ ${SEARCH_TSQUERY}`,
};

/**
 * The search as a tsquery: the words under English stemming (`running` finds `runs`) OR as
 * written (`simple`: English stop words, words the stemmer mangles, Korean and other scripts).
 * The vector holds both forms of every field, so either side can match.
 */
const SEARCH_TSQUERY = `(to_tsquery('english', :search) || to_tsquery('simple', :search))`;

const FILTER_FIELDS = Object.keys(FILTER_CONDITIONS) as (keyof ArticleFilter)[];
const SEARCH_BIT = 1 << FILTER_FIELDS.indexOf('search');
/** The mask of a feed: followed authors, nothing else. */
const FEED_ONLY = 1 << FILTER_FIELDS.indexOf('feedOf');

/**
 * The filter with its search text turned into the tsquery the statements bind (never the text
 * itself), or without a search when the text has no word.
 */
function withSearchQuery(filter: ArticleFilter): ArticleFilter {
  if (filter.search === undefined) return filter;
  const { search, ...rest } = filter;
  // A text without a word gives no tsquery: undefined, which is no filter (see filterMask).
  return { ...rest, search: searchTsQuery(search) };
}

/** Which filter fields are given, as bits in `FILTER_FIELDS` order: the statement variant. */
function filterMask(filter: ArticleFilter): number {
  let mask = 0;
  for (let i = 0; i < FILTER_FIELDS.length; i++) {
    if (filter[FILTER_FIELDS[i]] !== undefined) mask |= 1 << i;
  }
  return mask;
}

/** The WHERE condition of the filter variant `mask` over the `articles` row aliased `alias`. */
function filterText(alias: string, mask: number): string {
  const conditions = FILTER_FIELDS.filter((_, i) => mask & (1 << i)).map((field) => FILTER_CONDITIONS[field](alias));
  return conditions.length === 0 ? 'true' : conditions.join(' and ');
}
