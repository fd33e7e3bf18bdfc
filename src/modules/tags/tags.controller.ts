import { Get, JsonController } from 'routing-controllers';
import { Service } from 'typedi';
import { PLAIN_RESPONSES } from '../../http/controller-options';
import { TagsService } from './tags.service';

@Service()
@JsonController('/api/tags', PLAIN_RESPONSES)
export class TagsController {
  constructor(private readonly tags: TagsService) {}

  /** Every tag on at least one article, alphabetically. */
  @Get('/')
  async list(): Promise<{ tags: string[] }> {
    return { tags: await this.tags.list() };
  }
}
