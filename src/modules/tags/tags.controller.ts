import { Get, JsonController } from 'routing-controllers';
import { Service } from 'typedi';
import { PLAIN_RESPONSES } from '../../http/controller-options';
import { Documented } from '../../http/openapi/documented';
import { TagsResponse } from './dto/tags.response';
import { TagsService } from './tags.service';

@Service()
@JsonController('/api/tags', PLAIN_RESPONSES)
export class TagsController {
  constructor(private readonly tags: TagsService) {}

  /** Every tag on at least one article, alphabetically. */
  @Get('/')
  @Documented({ summary: 'Every tag on at least one article', responses: { 200: TagsResponse } })
  async list(): Promise<TagsResponse> {
    return { tags: await this.tags.list() };
  }
}
