import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Timestamped } from '../../db/timestamped';
import { Article } from '../articles/article.entity';
import { User } from '../users/user.entity';
import { CommentRepository } from './comment.repository';

/** A comment on an article; deleted with its article or its author. */
@Entity({ tableName: 'comments', repository: () => CommentRepository })
// An article's comments in order.
@Index({ name: 'comments_article_id_created_at_index', properties: ['article', 'createdAt'] })
@Index({ name: 'comments_author_id_index', properties: ['author'] })
export class Comment extends Timestamped {
  [OptionalProps]?: 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'text' })
  body!: string;

  @ManyToOne({ entity: () => Article, deleteRule: 'cascade', index: false })
  article!: Rel<Article>;

  @ManyToOne({ entity: () => User, deleteRule: 'cascade', index: false })
  author!: Rel<User>;
}
