import { Service } from 'typedi';
import type { GraphqlContext } from '../../graphql/context';
import type { Profile } from './dto/profile.response';
import { ProfilesService } from './profiles.service';

@Service()
export class ProfilesResolver {
  constructor(private readonly profiles: ProfilesService) {}

  async profile(args: { username: string }, context: GraphqlContext): Promise<Profile> {
    return this.profiles.get(args.username, await context.viewer());
  }

  async follow(args: { username: string }, context: GraphqlContext): Promise<Profile> {
    return this.profiles.follow(await context.requireViewer(), args.username);
  }

  async unfollow(args: { username: string }, context: GraphqlContext): Promise<Profile> {
    return this.profiles.unfollow(await context.requireViewer(), args.username);
  }
}
