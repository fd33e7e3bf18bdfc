import type { EntityManager } from '@mikro-orm/postgresql';
import { hashPassword } from '../../modules/users/password';
import { User } from '../../modules/users/user.entity';
import { UserFactory } from '../factories/user.factory';

export const SEED_PASSWORD = 'password123';

let seedPasswordHashing: Promise<string> | undefined;

/** The hash of SEED_PASSWORD, computed once per process: argon2 is deliberately slow. */
export function seedPasswordHash(): Promise<string> {
  seedPasswordHashing ??= hashPassword(SEED_PASSWORD);
  return seedPasswordHashing;
}

/** The well-known account that benchmarks and demos log in as (password SEED_PASSWORD). */
export const DEMO_USER = {
  username: 'demo',
  email: 'demo@example.com',
  bio: 'The demo account: it follows plenty of authors, so its feed is never empty.',
} as const;

/**
 * Inserts `count` users in batches (one flush per batch keeps memory flat and statements
 * multi-row). Every seeded user's password is SEED_PASSWORD.
 */
export async function seedUsers(
  em: EntityManager,
  count: number,
  options: { batchSize?: number; onProgress?: (done: number) => void } = {},
): Promise<void> {
  const batchSize = options.batchSize ?? 500;
  const passwordHash = await seedPasswordHash();
  const factory = new UserFactory(em);
  for (let done = 0; done < count; ) {
    const size = Math.min(batchSize, count - done);
    factory.make(size, { passwordHash });
    await em.flush();
    em.clear();
    done += size;
    options.onProgress?.(done);
  }
}

/**
 * Finds the demo user by username or email, creating it when missing. An existing account keeps
 * its password: seeding never resets credentials someone may have changed on purpose.
 */
export async function ensureDemoUser(em: EntityManager): Promise<{ user: User; created: boolean }> {
  const users = em.getRepository(User);
  const existing = (await users.findByUsername(DEMO_USER.username)) ?? (await users.findByEmail(DEMO_USER.email));
  if (existing) return { user: existing, created: false };
  const user = em.create(User, {
    ...DEMO_USER,
    passwordHash: await seedPasswordHash(),
  });
  await em.flush();
  return { user, created: true };
}
