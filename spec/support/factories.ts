import { UserFactory } from '../../src/db/factories/user.factory';
import { Article } from '../../src/modules/articles/article.entity';
import { uniqueSlug } from '../../src/modules/articles/slug';
import { normalizeTags } from '../../src/modules/articles/tag-list';
import { hashPassword } from '../../src/modules/users/password';
import { TokenService } from '../../src/modules/users/token.service';
import { User } from '../../src/modules/users/user.entity';
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

let articleCounter = 0;

/** A saved article by `author`, with unique title and slug unless given. */
export async function createArticle(
  author: User,
  overrides: Partial<Pick<Article, 'title' | 'description' | 'body' | 'tagList' | 'slug' | 'createdAt'>> = {},
): Promise<Article> {
  articleCounter += 1;
  const fork = em();
  const title = overrides.title ?? `Spec article ${articleCounter} ${Date.now().toString(36)}`;
  const article = fork.create(Article, {
    title,
    slug: overrides.slug ?? uniqueSlug(title),
    description: overrides.description ?? 'A description',
    body: overrides.body ?? 'A body',
    tagList: normalizeTags(overrides.tagList ?? []),
    author: fork.getReference(User, author.id),
    ...(overrides.createdAt && { createdAt: overrides.createdAt, updatedAt: overrides.createdAt }),
  });
  await fork.flush();
  return article;
}

/** A unique tag, so a spec's `?tag=` filter sees only its own articles. */
export function uniqueTag(prefix = 'tag'): string {
  articleCounter += 1;
  return `${prefix}-${Date.now().toString(36)}-${articleCounter}`;
}

export function authHeader(fixture: { token: string }): Record<string, string> {
  return { Authorization: `Token ${fixture.token}` };
}
