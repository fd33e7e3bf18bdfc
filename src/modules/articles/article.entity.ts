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
  tagList: string[] = [];

  @ManyToOne({ entity: () => User, deleteRule: 'cascade', index: false })
  author!: Rel<User>;
}
