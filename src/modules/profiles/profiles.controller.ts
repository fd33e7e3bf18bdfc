import { Authorized, CurrentUser, Delete, Get, JsonController, Param, Post } from 'routing-controllers';
import { Service } from 'typedi';
import { PLAIN_RESPONSES } from '../../http/controller-options';
import type { User } from '../users/user.entity';
import type { ProfileResponse } from './dto/profile.response';
import { ProfilesService } from './profiles.service';

@Service()
@JsonController('/api/profiles', PLAIN_RESPONSES)
export class ProfilesController {
  constructor(private readonly profiles: ProfilesService) {}

  @Get('/:username')
  async get(
    @Param('username') username: string,
    @CurrentUser({ required: false }) viewer?: User,
  ): Promise<ProfileResponse> {
    return { profile: await this.profiles.get(username, viewer) };
  }

  @Post('/:username/follow')
  @Authorized()
  async follow(
    @Param('username') username: string,
    @CurrentUser({ required: true }) viewer: User,
  ): Promise<ProfileResponse> {
    return { profile: await this.profiles.follow(viewer, username) };
  }

  @Delete('/:username/follow')
  @Authorized()
  async unfollow(
    @Param('username') username: string,
    @CurrentUser({ required: true }) viewer: User,
  ): Promise<ProfileResponse> {
    return { profile: await this.profiles.unfollow(viewer, username) };
  }
}
