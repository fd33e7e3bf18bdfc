import { Entity, Index, ManyToOne, OptionalProps, PrimaryKeyProp, Property, type Rel } from '@mikro-orm/core';
import { User } from '../users/user.entity';
import { Article } from './article.entity';

/**
 * "user favorited article". The primary key (user_id, article_id) makes favoriting idempotent
 * (insert … on conflict do nothing) and serves `?favorited=`; the article_id index serves the
 * per-article count. The count is computed, never stored, so it cannot drift under concurrency.
 */
@Entity({ tableName: 'favorites' })
@Index({ name: 'favorites_article_id_index', properties: ['article'] })
export class Favorite {
  [PrimaryKeyProp]?: ['user', 'article'];
  [OptionalProps]?: 'createdAt';

  @ManyToOne({ entity: () => User, primary: true, deleteRule: 'cascade' })
  user!: Rel<User>;

  @ManyToOne({ entity: () => Article, primary: true, deleteRule: 'cascade' })
  article!: Rel<Article>;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
