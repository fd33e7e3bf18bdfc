import { Authorized, CurrentUser, Delete, Get, JsonController, Param, Post } from 'routing-controllers';
import { Service } from 'typedi';
import { PLAIN_RESPONSES } from '../../http/controller-options';
import { Documented } from '../../http/openapi/documented';
import type { User } from '../users/user.entity';
import { ProfileResponse } from './dto/profile.response';
import { ProfilesService } from './profiles.service';

@Service()
@JsonController('/api/profiles', PLAIN_RESPONSES)
export class ProfilesController {
  constructor(private readonly profiles: ProfilesService) {}

  @Get('/:username')
  @Documented({ summary: "A user's profile", auth: 'optional', responses: { 200: ProfileResponse }, errors: [404] })
  async get(
    @Param('username') username: string,
    @CurrentUser({ required: false }) viewer?: User,
  ): Promise<ProfileResponse> {
    return { profile: await this.profiles.get(username, viewer) };
  }

  @Post('/:username/follow')
  @Authorized()
  @Documented({ summary: 'Follow a user', auth: 'required', responses: { 200: ProfileResponse }, errors: [404, 422] })
  async follow(
    @Param('username') username: string,
    @CurrentUser({ required: true }) viewer: User,
  ): Promise<ProfileResponse> {
    return { profile: await this.profiles.follow(viewer, username) };
  }

  @Delete('/:username/follow')
  @Authorized()
  @Documented({ summary: 'Unfollow a user', auth: 'required', responses: { 200: ProfileResponse }, errors: [404] })
  async unfollow(
    @Param('username') username: string,
    @CurrentUser({ required: true }) viewer: User,
  ): Promise<ProfileResponse> {
    return { profile: await this.profiles.unfollow(viewer, username) };
  }
}
