import { Migration } from '@mikro-orm/migrations';
import { usernameKey } from '../src/modules/users/username-key';

/**
 * Usernames become unique by their folded key (see usernameKey), replacing uniqueness of the exact
 * name, which the key implies. Existing users get their key computed here, in Node, because the
 * folding (NFKC, full case mapping, look-alike table) has no exact SQL equivalent.
 *
 * Accounts that already collide keep working: the oldest keeps the plain key, each later one gets
 * `<key>:<id>`, which no username can produce (`:` is not allowed in one). Those later accounts
 * still log in by email and use the API, but lookups by name find the oldest, until they rename
 * (the User entity keeps such a key through other updates).
 */
export class Migration20261129040336_username_key extends Migration {
  override async up(): Promise<void> {
    await this.execute(`alter table "users" add column "username_key" text null;`);
    const users = (await this.execute('select "id", "username" from "users" order by "id"')) as {
      id: number;
      username: string;
    }[];
    const rows: { id: number; key: string }[] = [];
    const taken = new Set<string>();
    for (const { id, username } of users) {
      const key = usernameKey(username);
      rows.push({ id, key: taken.has(key) ? `${key}:${id}` : key });
      taken.add(key);
    }
    if (rows.length > 0) {
      // One statement for every user; JSON because the query builder would spread an array parameter.
      await this.execute(
        `update "users" u set "username_key" = k.key
           from json_to_recordset(?::json) as k(id int, key text)
          where u.id = k.id`,
        [JSON.stringify(rows)],
      );
    }
    this.addSql(`alter table "users" alter column "username_key" set not null;`);
    this.addSql(`alter table "users" drop constraint "users_username_unique";`);
    this.addSql(`alter table "users" add constraint "users_username_key_unique" unique ("username_key");`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "users" drop constraint "users_username_key_unique";`);
    this.addSql(`alter table "users" drop column "username_key";`);
    this.addSql(`alter table "users" add constraint "users_username_unique" unique ("username");`);
  }
}
