import type { EntityManager } from '@mikro-orm/postgresql';
import { hashPassword } from '../../modules/auth/password';
import { UserFactory } from '../factories/user.factory';

export const SEED_PASSWORD = 'password123';

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
  const passwordHash = await hashPassword(SEED_PASSWORD);
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
