import { EntityManager } from '@mikro-orm/postgresql';
import { Get, JsonController } from 'routing-controllers';
import { Service } from 'typedi';
import { PLAIN_RESPONSES } from '../../http/controller-options';

@Service()
@JsonController('/api/tags', PLAIN_RESPONSES)
export class TagsController {
  constructor(private readonly em: EntityManager) {}

  /** Every tag on at least one article, alphabetically. */
  @Get('/')
  async list(): Promise<{ tags: string[] }> {
    const rows = await this.em.execute<{ name: string }[]>(
      // The trigger-kept summary (see Tag). Byte order (collation "C"), the same order as each
      // article's sorted tagList.
      'select name from tags where articles_count > 0 order by name collate "C"',
    );
    return { tags: rows.map((row) => row.name) };
  }
}
