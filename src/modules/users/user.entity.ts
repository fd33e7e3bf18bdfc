import { Entity, EntityRepositoryType, Index, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Timestamped } from '../../db/timestamped';
import { UserRepository } from './user.repository';

/**
 * A registered account. Emails are unique regardless of case (an expression index on
 * `lower(email)`), but are kept as the user typed them.
 */
@Entity({ tableName: 'users', repository: () => UserRepository })
@Index({
  name: 'users_email_lower_unique',
  expression: 'create unique index "users_email_lower_unique" on "users" (lower("email"))',
})
export class User extends Timestamped {
  [EntityRepositoryType]?: UserRepository;
  [OptionalProps]?: 'bio' | 'image' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 255 })
  email!: string;

  @Unique({ name: 'users_username_unique' })
  @Property({ type: 'string', length: 64 })
  username!: string;

  /** An argon2id hash; `hidden` keeps it out of every serialisation of the entity. */
  @Property({ type: 'string', length: 255, hidden: true })
  passwordHash!: string;

  @Property({ type: 'text', nullable: true })
  bio: string | null = null;

  @Property({ type: 'string', length: 1000, nullable: true })
  image: string | null = null;
}
