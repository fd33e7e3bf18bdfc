import { Authorized, Body, CurrentUser, Get, HttpCode, JsonController, Post, Put } from 'routing-controllers';
import { Service } from 'typedi';
import { CallerToken } from '../../http/auth';
import { PLAIN_RESPONSES } from '../../http/controller-options';
import { Documented } from '../../http/openapi/documented';
import { LoginUserRequest } from './dto/login-user.dto';
import { RegisterUserRequest } from './dto/register-user.dto';
import { UpdateUserRequest } from './dto/update-user.dto';
import { toUserResponse, UserResponse } from './dto/user.response';
import { type PresentedToken, TokenService } from './token.service';
import { User } from './user.entity';
import { UsersService } from './users.service';

/** Registration, login and the current user: the RealWorld "User and Authentication" routes. */
@Service()
@JsonController('/api', PLAIN_RESPONSES)
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: TokenService,
  ) {}

  @Post('/users')
  @HttpCode(201)
  @Documented({
    summary: 'Register a user; answers the account with a token',
    body: true,
    responses: { 201: UserResponse },
    errors: [429],
  })
  async register(@Body() body: RegisterUserRequest): Promise<UserResponse> {
    const user = await this.users.register(body.user);
    return toUserResponse(user, this.tokens.sign(user));
  }

  @Post('/users/login')
  @HttpCode(200)
  @Documented({
    summary: 'Log in with email and password; answers the account with a token',
    body: true,
    responses: { 200: UserResponse },
    errors: [401, 429],
  })
  async login(@Body() body: LoginUserRequest): Promise<UserResponse> {
    const user = await this.users.authenticate(body.user);
    return toUserResponse(user, this.tokens.sign(user));
  }

  @Get('/user')
  @Authorized()
  @Documented({
    summary: "The caller's account, with the token it was asked with",
    auth: 'required',
    responses: { 200: UserResponse },
  })
  current(@CurrentUser({ required: true }) user: User, @CallerToken() token: PresentedToken): UserResponse {
    return toUserResponse(user, this.tokens.forCaller(user, token));
  }

  @Put('/user')
  @Authorized()
  @Documented({
    summary: "Update the caller's account",
    auth: 'required',
    body: true,
    responses: { 200: UserResponse },
  })
  async update(
    @CurrentUser({ required: true }) user: User,
    @CallerToken() token: PresentedToken,
    @Body() body: UpdateUserRequest,
  ): Promise<UserResponse> {
    const updated = await this.users.update(user, body.user);
    return toUserResponse(updated, this.tokens.forCaller(updated, token));
  }
}
