import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { Service } from 'typedi';
import type { GraphqlContext } from '../../graphql/context';
import { ProfileType } from '../../graphql/types';
import type { Profile } from './dto/profile.response';
import { ProfilesService } from './profiles.service';

@Service()
@Resolver(() => ProfileType)
export class ProfilesResolver {
  constructor(private readonly profiles: ProfilesService) {}

  @Query(() => ProfileType)
  async profile(@Arg('username', () => String) username: string, @Ctx() context: GraphqlContext): Promise<Profile> {
    return this.profiles.get(username, await context.viewer());
  }

  @Mutation(() => ProfileType)
  async follow(@Arg('username', () => String) username: string, @Ctx() context: GraphqlContext): Promise<Profile> {
    return this.profiles.follow(await context.requireViewer(), username);
  }

  @Mutation(() => ProfileType)
  async unfollow(@Arg('username', () => String) username: string, @Ctx() context: GraphqlContext): Promise<Profile> {
    return this.profiles.unfollow(await context.requireViewer(), username);
  }
}
