import { Authorized, Body, CurrentUser, Get, HttpCode, JsonController, Post } from 'routing-controllers';
import { Service } from 'typedi';
import { PLAIN_RESPONSES } from '../../http/controller-options';
import { Documented } from '../../http/openapi/documented';
import { TokenService } from '../users/token.service';
import type { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { AccessTokenResponse, ProtectedViewResponse } from './dto/auth.response';
import { AuthCredentials } from './dto/auth-credentials.dto';

/**
 * The talk's flask-jwt surface: `POST /auth` trades a username and password for a token, and
 * `GET /protected` is the view behind the auth decorator (`@Authorized()` here).
 */
@Service()
@JsonController(undefined, PLAIN_RESPONSES)
export class AuthController {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: TokenService,
  ) {}

  @Post('/auth')
  @HttpCode(200)
  @Documented({
    summary: "The talk's flask-jwt login: username and password for an access token",
    body: true,
    responses: { 200: AccessTokenResponse },
    errors: [401, 429],
  })
  async issueToken(@Body() credentials: AuthCredentials): Promise<AccessTokenResponse> {
    const user = await this.users.authenticateByUsername(credentials.username, credentials.password);
    return { access_token: this.tokens.sign(user) };
  }

  @Get('/protected')
  @Authorized()
  @Documented({
    summary: "The talk's view behind the auth decorator",
    auth: 'required',
    responses: { 200: ProtectedViewResponse },
  })
  protectedView(@CurrentUser({ required: true }) user: User): ProtectedViewResponse {
    return { message: `Hello, ${user.username}! This view is protected.`, username: user.username };
  }
}
