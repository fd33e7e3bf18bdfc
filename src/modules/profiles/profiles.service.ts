import { EntityManager } from '@mikro-orm/postgresql';
import { Service } from 'typedi';
import { Invalid, NotFound } from '../../domain/errors';
import type { User } from '../users/user.entity';
import { usernameKey } from '../users/username-key';
import { type Profile, type ProfileRow, toProfile } from './dto/profile.response';

interface ProfileWithIdRow extends ProfileRow {
  id: number;
}

@Service()
export class ProfilesService {
  constructor(private readonly em: EntityManager) {}

  /** One statement: the user and whether the viewer follows them. */
  async get(username: string, viewer: User | undefined): Promise<Profile> {
    return toProfile(await this.find(username, viewer));
  }

  /** Idempotent: following someone already followed changes nothing. */
  async follow(viewer: User, username: string): Promise<Profile> {
    const target = await this.find(username, viewer);
    if (target.id === viewer.id) throw new Invalid('you cannot follow yourself');
    await this.em.execute('insert into follows (follower_id, followee_id) values (?, ?) on conflict do nothing', [
      viewer.id,
      target.id,
    ]);
    return toProfile({ ...target, following: true });
  }

  /** Idempotent: unfollowing someone not followed changes nothing. */
  async unfollow(viewer: User, username: string): Promise<Profile> {
    const target = await this.find(username, viewer);
    await this.em.execute('delete from follows where follower_id = ? and followee_id = ?', [viewer.id, target.id]);
    return toProfile({ ...target, following: false });
  }

  private async find(username: string, viewer: User | undefined): Promise<ProfileWithIdRow> {
    const [row] = await this.em.execute<ProfileWithIdRow[]>(
      `select u.id, u.username, u.bio, u.image,
              exists(select 1 from follows f where f.follower_id = ? and f.followee_id = u.id) as following
         from users u
        where u.username_key = ?`,
      [viewer?.id ?? null, usernameKey(username)],
    );
    if (!row) throw new NotFound('profile not found');
    return row;
  }
}
