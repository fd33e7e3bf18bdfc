import { EntityRepository } from '@mikro-orm/postgresql';
import { NamedSql } from '../../db/named-sql';
import { readRows } from '../../db/replica-reads';
import type { Profile } from './dto/profile.response';
import type { Follow } from './follow.entity';

/** The author columns every read selects, under these names (see `profileColumns`). */
export interface ProfileRow {
  username: string;
  bio: string | null;
  image: string | null;
  following: boolean;
}

export function toProfile(row: ProfileRow): Profile {
  return { username: row.username, bio: row.bio, image: row.image, following: row.following };
}

/** The profile of someone who just wrote something as themselves: nobody follows themselves. */
export function ownProfile(user: { username: string; bio: string | null; image: string | null }): Profile {
  return toProfile({ username: user.username, bio: user.bio, image: user.image, following: false });
}

/**
 * The `ProfileRow` columns of the user row aliased `users`, whose id is the column `userId`, as
 * the viewer `:viewerId` (NULL: anonymous, who follows nobody) sees them: the one place that says
 * how `following` is computed, for every read that shows an author.
 */
export function profileColumns(users: string, userId: string): string {
  return `${users}.username, ${users}.bio, ${users}.image,
     exists(select 1 from follows fo where fo.follower_id = :viewerId and fo.followee_id = ${userId}) as following`;
}

interface ProfileWithIdRow extends ProfileRow {
  id: number;
}

const FIND_PROFILE = NamedSql.compile(
  `select u.id, ${profileColumns('u', 'u.id')} from users u where u.username_key = :usernameKey`,
);
const FOLLOW = NamedSql.compile(
  'insert into follows (follower_id, followee_id) values (:followerId, :followeeId) on conflict do nothing',
);
const UNFOLLOW = NamedSql.compile('delete from follows where follower_id = :followerId and followee_id = :followeeId');

/** Profiles as the viewer sees them, and the follows between users. */
export class ProfileRepository extends EntityRepository<Follow> {
  /** One statement: the user with this `usernameKey` and whether the viewer follows them. */
  async findProfile(usernameKey: string, viewerId: number | undefined): Promise<ProfileWithIdRow | undefined> {
    const [row] = await readRows<ProfileWithIdRow[]>(
      this.getEntityManager(),
      FIND_PROFILE.text,
      FIND_PROFILE.bind({ usernameKey, viewerId: viewerId ?? null }),
    );
    return row;
  }

  /** Idempotent: following someone already followed changes nothing. */
  async follow(followerId: number, followeeId: number): Promise<void> {
    await this.getEntityManager().execute(FOLLOW.text, FOLLOW.bind({ followerId, followeeId }));
  }

  /** Idempotent: unfollowing someone not followed changes nothing. */
  async unfollow(followerId: number, followeeId: number): Promise<void> {
    await this.getEntityManager().execute(UNFOLLOW.text, UNFOLLOW.bind({ followerId, followeeId }));
  }
}
