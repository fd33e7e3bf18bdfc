import { UserFactory } from '../../src/db/factories/user.factory';
import { hashPassword } from '../../src/modules/auth/password';
import { TokenService } from '../../src/modules/auth/token.service';
import type { User } from '../../src/modules/users/user.entity';
import { em, testEnvironment } from './test-env';

export const DEFAULT_PASSWORD = 'correct horse battery staple';
let defaultHash: Promise<string> | undefined;

export interface UserFixture {
  user: User;
  password: string;
  token: string;
}

/** A saved user with unique email and username, its password, and a valid token. */
export async function createUser(overrides: Partial<User> = {}, password = DEFAULT_PASSWORD): Promise<UserFixture> {
  defaultHash ??= hashPassword(DEFAULT_PASSWORD);
  const passwordHash = password === DEFAULT_PASSWORD ? await defaultHash : await hashPassword(password);
  const user = await new UserFactory(em()).createOne({ passwordHash, ...overrides });
  return { user, password, token: signToken(user) };
}

export function signToken(user: Pick<User, 'id' | 'username'>): string {
  return new TokenService(testEnvironment().config).sign(user);
}

/** Unique values for specs that register through the API. */
let counter = 0;
export function uniqueUserInput(prefix = 'spec') {
  counter += 1;
  const id = `${prefix}${Date.now().toString(36)}${counter}`;
  return { username: id, email: `${id}@example.com`, password: 'password123' };
}
