import { Check, Entity, Index, ManyToOne, OptionalProps, PrimaryKeyProp, Property, type Rel } from '@mikro-orm/core';
import { User } from '../users/user.entity';
import { ProfileRepository } from './profile.repository';

/**
 * "follower follows followee". The primary key (follower_id, followee_id) makes following
 * idempotent and serves the feed (whom do I follow); the followee_id index serves "who follows
 * this author". Nobody follows themselves, enforced by the database too.
 */
@Entity({ tableName: 'follows', repository: () => ProfileRepository })
@Index({ name: 'follows_followee_id_index', properties: ['followee'] })
@Check({ name: 'follows_not_self_check', expression: 'follower_id <> followee_id' })
export class Follow {
  [PrimaryKeyProp]?: ['follower', 'followee'];
  [OptionalProps]?: 'createdAt';

  @ManyToOne({ entity: () => User, primary: true, deleteRule: 'cascade' })
  follower!: Rel<User>;

  @ManyToOne({ entity: () => User, primary: true, deleteRule: 'cascade' })
  followee!: Rel<User>;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
