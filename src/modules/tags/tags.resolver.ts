import { Query, Resolver } from 'type-graphql';
import { Service } from 'typedi';
import { TagsService } from './tags.service';

@Service()
@Resolver()
export class TagsResolver {
  constructor(private readonly tags: TagsService) {}

  @Query(() => [String], { name: 'tags' })
  list(): Promise<string[]> {
    return this.tags.list();
  }
}
