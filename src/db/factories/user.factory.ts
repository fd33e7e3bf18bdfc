import { faker } from '@faker-js/faker';
import { Factory } from '@mikro-orm/seeder';
import { User } from '../../modules/users/user.entity';

let sequence = 0;

/**
 * Users with unique emails and usernames (a per-process sequence plus randomness), so specs and
 * seeds never collide with rows made earlier. Pass `passwordHash`: hashing per row is slow, so
 * callers hash once and share it.
 */
export class UserFactory extends Factory<User> {
  model = User;

  protected definition(): Partial<User> {
    sequence += 1;
    const unique = `${sequence}${faker.string.alphanumeric({ length: 6, casing: 'lower' })}`;
    const first = faker.person.firstName().replace(/[^A-Za-z]/g, '') || 'user';
    return {
      username: `${first.toLowerCase()}_${unique}`,
      email: `${first.toLowerCase()}.${unique}@example.com`,
      bio: faker.person.bio(),
      image: null,
    };
  }
}
