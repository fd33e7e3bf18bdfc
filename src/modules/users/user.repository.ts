import { EntityRepository, raw } from '@mikro-orm/postgresql';
import type { User } from './user.entity';
import { usernameKey } from './username-key';

export class UserRepository extends EntityRepository<User> {
  /** Case-insensitive, matching the unique index on lower(email). */
  findByEmail(email: string): Promise<User | null> {
    return this.findOne({ [raw('lower(email)')]: email.toLowerCase() });
  }

  /** The user whose name looks like this one (same `usernameKey`): at most one can exist. */
  findByUsername(username: string): Promise<User | null> {
    return this.findOne({ usernameKey: usernameKey(username) });
  }
}
