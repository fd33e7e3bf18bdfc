import { Property } from '@mikro-orm/core';

/** `created_at` and `updated_at`, for the entities that carry them (users, articles, comments). */
export abstract class Timestamped {
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  // A new row was last updated when it was created: the same instant, not a millisecond later.
  @Property({ type: 'datetime', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date(this.createdAt);
}
