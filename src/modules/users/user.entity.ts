import {
  BeforeCreate,
  BeforeUpdate,
  Entity,
  EntityRepositoryType,
  Index,
  OptionalProps,
  PrimaryKey,
  Property,
  Unique,
} from '@mikro-orm/core';
import { Timestamped } from '../../db/timestamped';
import { UserRepository } from './user.repository';
import { usernameKey } from './username-key';

/**
 * A registered account. Emails are unique regardless of case (an expression index on
 * `lower(email)`), but are kept as the user typed them. Usernames are kept as registered (NFC) and
 * are unique by their folded `usernameKey`, so that no two accounts' names look the same.
 */
@Entity({ tableName: 'users', repository: () => UserRepository })
@Index({
  name: 'users_email_lower_unique',
  expression: 'create unique index "users_email_lower_unique" on "users" (lower("email"))',
})
export class User extends Timestamped {
  [EntityRepositoryType]?: UserRepository;
  [OptionalProps]?: 'bio' | 'image' | 'createdAt' | 'updatedAt' | 'usernameKey' | 'emailNotifications';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 255 })
  email!: string;

  @Property({ type: 'string', length: 64 })
  username!: string;

  /**
   * `usernameKey(username)`, kept in step by the hooks below whoever writes the user (the API, the
   * CLI, the seeders). Its unique index makes look-alike names collide, even under concurrent
   * registrations, and serves every lookup by username. Text: NFKC may lengthen a name.
   */
  @Unique({ name: 'users_username_key_unique' })
  @Property({ type: 'text', hidden: true })
  usernameKey!: string;

  /** An argon2id hash; `hidden` keeps it out of every serialisation of the entity. */
  @Property({ type: 'string', length: 255, hidden: true })
  passwordHash!: string;

  @Property({ type: 'text', nullable: true })
  bio: string | null = null;

  @Property({ type: 'string', length: 1000, nullable: true })
  image: string | null = null;

  /** Notification mails (a comment on one's article); an extension to RealWorld. */
  @Property({ type: 'boolean', default: true })
  emailNotifications = true;

  @BeforeCreate()
  @BeforeUpdate()
  protected foldUsername(): void {
    const key = usernameKey(this.username);
    // An account that collided before keys existed keeps its `<key>:<id>` (see the username_key
    // migration) until it picks another name; resetting it on any update would make it collide.
    if (this.usernameKey !== key && !this.usernameKey?.startsWith(`${key}:`)) this.usernameKey = key;
  }
}
