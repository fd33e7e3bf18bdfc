import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { TagRepository } from './tag.repository';

/**
 * Tags in use and how many articles carry each: a summary of `articles.tag_list` kept by a
 * database trigger (see the tags_summary migration), so `GET /api/tags` reads a few rows instead
 * of unnesting every article, and stays right through cascading deletes the app never sees.
 * The app only reads it.
 */
@Entity({ tableName: 'tags', repository: () => TagRepository })
export class Tag {
  @PrimaryKey({ type: 'text' })
  name!: string;

  @Property({ type: 'integer', default: 0 })
  articlesCount!: number;
}
