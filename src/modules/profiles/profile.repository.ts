import { EntityRepository, type Knex } from '@mikro-orm/postgresql';
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
 * The `ProfileRow` columns of the user row aliased `users`, whose id is `userId` (a column):
 * the one place that says how `following` is computed, for every read that shows an author.
 * An anonymous viewer (undefined) follows nobody.
 */
export function profileColumns(knex: Knex, users: string, userId: string, viewerId: number | undefined): Knex.Raw {
  return knex.raw(
    `:username:, :bio:, :image:,
     exists(select 1 from follows fo where fo.follower_id = :viewerId and fo.followee_id = :userId:) as following`,
    {
      username: `${users}.username`,
      bio: `${users}.bio`,
      image: `${users}.image`,
      userId,
      viewerId: viewerId ?? null,
    },
  );
}

interface ProfileWithIdRow extends ProfileRow {
  id: number;
}

/** Profiles as the viewer sees them, and the follows between users. */
export class ProfileRepository extends EntityRepository<Follow> {
  /** One statement: the user with this `usernameKey` and whether the viewer follows them. */
  async findProfile(usernameKey: string, viewerId: number | undefined): Promise<ProfileWithIdRow | undefined> {
    const em = this.getEntityManager();
    const knex = em.getKnex();
    const [row] = await em.execute<ProfileWithIdRow[]>(
      knex.raw('select u.id, :profile from users u where u.username_key = :usernameKey', {
        profile: profileColumns(knex, 'u', 'u.id', viewerId),
        usernameKey,
      }),
    );
    return row;
  }

  /** Idempotent: following someone already followed changes nothing. */
  async follow(followerId: number, followeeId: number): Promise<void> {
    const em = this.getEntityManager();
    await em.execute(
      em
        .getKnex()
        .raw(
          'insert into follows (follower_id, followee_id) values (:followerId, :followeeId) on conflict do nothing',
          { followerId, followeeId },
        ),
    );
  }

  /** Idempotent: unfollowing someone not followed changes nothing. */
  async unfollow(followerId: number, followeeId: number): Promise<void> {
    const em = this.getEntityManager();
    await em.execute(
      em.getKnex().raw('delete from follows where follower_id = :followerId and followee_id = :followeeId', {
        followerId,
        followeeId,
      }),
    );
  }
}
