import { EntityRepository } from '@mikro-orm/postgresql';
import { readRows } from '../../db/replica-reads';
import type { Tag } from './tag.entity';

export class TagRepository extends EntityRepository<Tag> {
  /**
   * Every tag on at least one article, read from the trigger-kept summary (see Tag) in byte order
   * (collation "C"), the same order as each article's sorted tagList.
   */
  async findNamesInUse(): Promise<string[]> {
    const rows = await readRows<{ name: string }[]>(
      this.getEntityManager(),
      'select name from tags where articles_count > 0 order by name collate "C"',
      // Stryker disable next-line ArrayDeclaration: the statement has no placeholder, so values are never read
      [],
    );
    return rows.map((row) => row.name);
  }
}
