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
    const rows = await this.em.execute<{ tag: string }[]>(
      // Byte order (collation "C"), the same order as the sorted tagList of each article.
      'select distinct unnest(tag_list) collate "C" as tag from articles order by tag',
    );
    return { tags: rows.map((row) => row.tag) };
  }
}
