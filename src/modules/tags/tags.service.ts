import { Service } from 'typedi';
import { TagRepository } from './tag.repository';

@Service()
export class TagsService {
  constructor(private readonly tags: TagRepository) {}

  /** Every tag on at least one article, alphabetically. */
  list(): Promise<string[]> {
    return this.tags.findNamesInUse();
  }
}
