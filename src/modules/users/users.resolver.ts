import { Service } from 'typedi';
import type { GraphqlContext } from '../../graphql/context';
import { validInput } from '../../graphql/input';
import { LoginUserRequest } from './dto/login-user.dto';
import { type NewUser, RegisterUserRequest } from './dto/register-user.dto';
import { type UpdateUser, UpdateUserRequest } from './dto/update-user.dto';
import { toUserResponse, type UserResponse } from './dto/user.response';
import { TokenService } from './token.service';
import { UsersService } from './users.service';

type UserView = UserResponse['user'];

/** Registration, login and the caller's account, as `UsersController` does them. */
@Service()
export class UsersResolver {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: TokenService,
  ) {}

  async register(args: { input: NewUser }): Promise<UserView> {
    const { user: input } = await validInput(RegisterUserRequest, { user: args.input });
    const user = await this.users.register(input);
    return toUserResponse(user, this.tokens.sign(user)).user;
  }

  async login(args: { email: string; password: string }): Promise<UserView> {
    const { user: credentials } = await validInput(LoginUserRequest, { user: args });
    const user = await this.users.authenticate(credentials);
    return toUserResponse(user, this.tokens.sign(user)).user;
  }

  async me(_args: object, context: GraphqlContext): Promise<UserView> {
    const user = await context.requireViewer();
    return toUserResponse(user, this.tokens.sign(user)).user;
  }

  async updateMe(args: { input: UpdateUser }, context: GraphqlContext): Promise<UserView> {
    const user = await context.requireViewer();
    const { user: changes } = await validInput(UpdateUserRequest, { user: args.input });
    const updated = await this.users.update(user, changes);
    return toUserResponse(updated, this.tokens.sign(updated)).user;
  }
}
