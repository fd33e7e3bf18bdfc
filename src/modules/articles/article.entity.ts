import {
  ArrayType,
  Entity,
  EntityRepositoryType,
  Index,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  type Rel,
  Unique,
} from '@mikro-orm/core';
import { Timestamped } from '../../db/timestamped';
import { User } from '../users/user.entity';
import { ArticleRepository } from './article.repository';

/**
 * The generated expression of `articles.search_vector`. The weights are written `'A'::"char"`, as
 * PostgreSQL prints them back, so the schema diff sees no change where there is none.
 */
const SEARCH_VECTOR = `(${[
  ['title', 'A'],
  ['description', 'B'],
  ['body', 'C'],
]
  .flatMap(([column, weight]) =>
    ['english', 'simple'].map((config) => `setweight(to_tsvector('${config}', ${column}), '${weight}'::"char")`),
  )
  .join(' || ')}) stored`;

/**
 * An article. Its tags live in a `text[]` column (sorted, lower-case) with a GIN index for the
 * `?tag=` filter: one row per article, no join to list them. Favorites and comments reference it
 * and disappear with it (ON DELETE CASCADE).
 */
@Entity({ tableName: 'articles', repository: () => ArticleRepository })
// Newest first, with the id as a tie-breaker so paging is stable.
@Index({ name: 'articles_created_at_id_index', properties: ['createdAt', 'id'] })
// ?author= and the feed: an author's articles, newest first.
@Index({ name: 'articles_author_id_created_at_index', properties: ['author', 'createdAt'] })
@Index({
  name: 'articles_tag_list_gin',
  expression: 'create index "articles_tag_list_gin" on "articles" using gin ("tag_list")',
})
// ?search=: full-text search over `searchVector`.
@Index({
  name: 'articles_search_vector_gin',
  expression: 'create index "articles_search_vector_gin" on "articles" using gin ("search_vector")',
})
export class Article extends Timestamped {
  [EntityRepositoryType]?: ArticleRepository;
  [OptionalProps]?: 'tagList' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Unique({ name: 'articles_slug_unique' })
  @Property({ type: 'string', length: 255 })
  slug!: string;

  @Property({ type: 'string', length: 255 })
  title!: string;

  @Property({ type: 'text' })
  description!: string;

  @Property({ type: 'text' })
  body!: string;

  @Property({ type: ArrayType, columnType: 'text[]', defaultRaw: "'{}'" })
  // Stryker disable next-line ArrayDeclaration: every writer passes a tagList; this only types an unsaved entity
  tagList: string[] = [];

  @ManyToOne({ entity: () => User, deleteRule: 'cascade', index: false })
  author!: Rel<User>;

  /**
   * What `?search=` matches, kept by PostgreSQL itself (a STORED generated column, so no write
   * path can forget it). Title weighs most (A), then description (B), then body (C). Each field is
   * indexed twice: with English stemming (`running` and `runs` are both `run`) and with the
   * `simple` configuration (every word as written, lower-cased, no stop words removed), so text
   * the English stemmer does not know, Korean for one, still matches word by word. Lazy: only the
   * search statement reads it.
   */
  @Property({ type: 'tsvector', columnType: 'tsvector', generated: SEARCH_VECTOR, lazy: true, hidden: true })
  searchVector?: string;
}
