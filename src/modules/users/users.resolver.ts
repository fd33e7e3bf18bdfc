import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { Service } from 'typedi';
import type { GraphqlContext } from '../../graphql/context';
import { validInput } from '../../graphql/input';
import { RegisterInput, UpdateUserInput, UserType } from '../../graphql/types';
import { accountCheck, clientIp, loginChecks, setRateLimitHeaders } from '../../http/rate-limits';
import { RateLimits } from '../limits/rate-limits.service';
import { LoginUserRequest } from './dto/login-user.dto';
import { RegisterUserRequest } from './dto/register-user.dto';
import { UpdateUserRequest } from './dto/update-user.dto';
import { toUserResponse, type UserResponse } from './dto/user.response';
import { TokenService } from './token.service';
import { UsersService } from './users.service';

type UserView = UserResponse['user'];

/**
 * Registration, login and the caller's account, as `UsersController` does them, under the same
 * abuse limits (which the REST routes get from middleware): each `login` or `register` field,
 * aliases included, counts once, before any password is hashed.
 */
@Service()
@Resolver(() => UserType)
export class UsersResolver {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: TokenService,
    private readonly limits: RateLimits,
  ) {}

  @Mutation(() => UserType)
  async register(
    @Arg('input', () => RegisterInput) input: RegisterInput,
    @Ctx() context: GraphqlContext,
  ): Promise<UserView> {
    await this.limits.consume([{ limit: 'register-ip', subject: clientIp(context.koa) }], (statuses) =>
      setRateLimitHeaders(context.koa, statuses),
    );
    const { user: valid } = await validInput(RegisterUserRequest, { user: input });
    const user = await this.users.register(valid);
    return toUserResponse(user, this.tokens.sign(user)).user;
  }

  @Mutation(() => UserType)
  async login(
    @Arg('email', () => String) email: string,
    @Arg('password', () => String) password: string,
    @Ctx() context: GraphqlContext,
  ): Promise<UserView> {
    const checks = loginChecks(clientIp(context.koa), email.trim() || undefined);
    await this.limits.consume(checks, (statuses) => setRateLimitHeaders(context.koa, statuses));
    const { user: credentials } = await validInput(LoginUserRequest, { user: { email, password } });
    const user = await this.users.authenticate(credentials);
    const account = accountCheck(checks);
    if (account) await this.limits.forgive(account);
    return toUserResponse(user, this.tokens.sign(user)).user;
  }

  @Query(() => UserType, { description: "The caller's own account, with the caller's token (token required)." })
  async me(@Ctx() context: GraphqlContext): Promise<UserView> {
    const user = await context.requireViewer();
    return toUserResponse(user, this.callerToken(context, user)).user;
  }

  @Mutation(() => UserType)
  async updateMe(
    @Arg('input', () => UpdateUserInput) input: UpdateUserInput,
    @Ctx() context: GraphqlContext,
  ): Promise<UserView> {
    const user = await context.requireViewer();
    const { user: changes } = await validInput(UpdateUserRequest, { user: input });
    const updated = await this.users.update(user, changes);
    return toUserResponse(updated, this.callerToken(context, updated)).user;
  }

  /** As on REST (TokenService.forCaller): never a token that outlives the one the caller sent. */
  private callerToken(context: GraphqlContext, user: { id: number; username: string }): string {
    const presented = context.koa.state.authentication?.token;
    // Stryker disable next-line StringLiteral: an invariant's message (requireViewer authenticated this request with a token)
    if (!presented) throw new Error('a GraphQL viewer without the token that authenticated it');
    return this.tokens.forCaller(user, presented);
  }
}
