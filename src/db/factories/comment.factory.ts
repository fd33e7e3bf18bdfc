import { faker } from '@faker-js/faker';
import { Factory } from '@mikro-orm/seeder';
import { Comment } from '../../modules/comments/comment.entity';

/**
 * Comments of one to three sentences, written within the past month. Pass `article` and `author`
 * (references are enough); pass `createdAt`/`updatedAt` too when the comment must not predate its
 * article.
 */
export class CommentFactory extends Factory<Comment> {
  model = Comment;

  protected definition(): Partial<Comment> {
    const createdAt = faker.date.recent({ days: 30 });
    return {
      body: faker.lorem.sentences({ min: 1, max: 3 }),
      createdAt,
      updatedAt: createdAt,
    };
  }
}
