import { faker } from '@faker-js/faker';
import { Factory } from '@mikro-orm/seeder';
import { Article } from '../../modules/articles/article.entity';
import { uniqueSlug } from '../../modules/articles/slug';

/**
 * The tags seeded articles draw from. A small fixed list, so that every tag is shared by many
 * articles and benchmarks or demos can rely on `?tag=dragons` finding something.
 */
export const TAG_VOCABULARY = [
  'dragons',
  'training',
  'node',
  'typescript',
  'javascript',
  'koa',
  'postgres',
  'testing',
  'tdd',
  'api',
  'react',
  'css',
  'devops',
  'docker',
  'security',
  'performance',
  'design',
  'career',
  'opensource',
  'welcome',
] as const;

/**
 * Articles with a faker title, a unique slug made from it the way the API makes them, 1-4 tags
 * from TAG_VOCABULARY (sorted, lower-case, as the API stores them) and a creation date within the
 * past year, so that "newest first" lists have a realistic spread. Pass `author` (a reference is
 * enough).
 */
export class ArticleFactory extends Factory<Article> {
  model = Article;

  protected definition(): Partial<Article> {
    const title = faker.company.catchPhrase();
    const createdAt = faker.date.past({ years: 1 });
    // Some articles were edited after publication.
    const updatedAt = faker.datatype.boolean(0.2) ? faker.date.between({ from: createdAt, to: new Date() }) : createdAt;
    return {
      title,
      // The app's own rule (a slug of the title plus a random suffix), so seeded rows look like real ones.
      slug: uniqueSlug(title),
      description: faker.lorem.sentence({ min: 6, max: 14 }),
      body: faker.lorem.paragraphs({ min: 2, max: 5 }, '\n\n'),
      tagList: faker.helpers.arrayElements(TAG_VOCABULARY, { min: 1, max: 4 }).sort(),
      createdAt,
      updatedAt,
    };
  }
}
