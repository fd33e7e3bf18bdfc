import { Service } from 'typedi';
import { Invalid, NotFound } from '../../domain/errors';
import type { User } from '../users/user.entity';
import { usernameKey } from '../users/username-key';
import type { Profile } from './dto/profile.response';
import { ProfileRepository, toProfile } from './profile.repository';

@Service()
export class ProfilesService {
  constructor(private readonly profiles: ProfileRepository) {}

  /** One statement: the user and whether the viewer follows them. */
  async get(username: string, viewer: User | undefined): Promise<Profile> {
    return toProfile(await this.find(username, viewer));
  }

  async follow(viewer: User, username: string): Promise<Profile> {
    const target = await this.find(username, viewer);
    if (target.id === viewer.id) throw new Invalid('you cannot follow yourself');
    await this.profiles.follow(viewer.id, target.id);
    return toProfile({ ...target, following: true });
  }

  async unfollow(viewer: User, username: string): Promise<Profile> {
    const target = await this.find(username, viewer);
    await this.profiles.unfollow(viewer.id, target.id);
    return toProfile({ ...target, following: false });
  }

  private async find(username: string, viewer: User | undefined) {
    const row = await this.profiles.findProfile(usernameKey(username), viewer?.id);
    if (!row) throw new NotFound('profile not found');
    return row;
  }
}
