import { Service } from 'typedi';
import { TagsService } from './tags.service';

@Service()
export class TagsResolver {
  constructor(private readonly tags: TagsService) {}

  list(): Promise<string[]> {
    return this.tags.list();
  }
}
