import { EntityRepository, raw } from '@mikro-orm/postgresql';
import type { User } from './user.entity';

export class UserRepository extends EntityRepository<User> {
  /** Case-insensitive, matching the unique index on lower(email). */
  findByEmail(email: string): Promise<User | null> {
    return this.findOne({ [raw('lower(email)')]: email.toLowerCase() });
  }

  findByUsername(username: string): Promise<User | null> {
    return this.findOne({ username });
  }
}
