import { EntityRepository } from '@mikro-orm/postgresql';
import { NamedSql } from '../../db/named-sql';
import { readRows } from '../../db/replica-reads';
import { ownProfile, type ProfileRow, profileColumns, toProfile } from '../profiles/profile.repository';
import type { Comment } from './comment.entity';
import type { CommentView } from './dto/comment.dto';

/** One row of `findViewsOf`. */
interface CommentRow extends ProfileRow {
  id: number;
  body: string;
  created_at: Date;
  updated_at: Date;
}

/** Reads comments as response views in one statement, without hydrating entities. */
export class CommentRepository extends EntityRepository<Comment> {
  /** The comments on the article with this slug, newest first; empty for an unknown slug too. */
  async findViewsOf(slug: string, viewerId: number | undefined): Promise<CommentView[]> {
    const rows = await readRows<CommentRow[]>(
      this.getEntityManager(),
      COMMENTS_OF.text,
      COMMENTS_OF.bind({ slug, viewerId: viewerId ?? null }),
    );
    return rows.map(toCommentView);
  }

  /**
   * The newest `perArticle` comments of each of these articles, in ONE statement whatever their
   * number (GraphQL batches an article page's comments through it). Articles without comments, or
   * unknown slugs, are absent from the map.
   */
  async findFirstViewsOfMany(
    slugs: readonly string[],
    perArticle: number,
    viewerId: number | undefined,
  ): Promise<Map<string, CommentView[]>> {
    const bySlug = new Map<string, CommentView[]>();
    const rows = await readRows<(CommentRow & { article_slug: string })[]>(
      this.getEntityManager(),
      FIRST_COMMENTS_OF_MANY.text,
      // A JSON array, cast in SQL: em.execute formats values into the text itself, and it formats
      // an array as a comma list (`any(?)` with ['a', 'b'] becomes `any('a', 'b')`, invalid SQL).
      FIRST_COMMENTS_OF_MANY.bind({ slugs: JSON.stringify(slugs), perArticle, viewerId: viewerId ?? null }),
    );
    for (const row of rows) {
      const list = bySlug.get(row.article_slug);
      if (list) list.push(toCommentView(row));
      else bySlug.set(row.article_slug, [toCommentView(row)]);
    }
    return bySlug;
  }
}

const FIRST_COMMENTS_OF_MANY = NamedSql.compile(
  `select ranked.* from (
     select a.slug as article_slug, c.id, c.body, c.created_at, c.updated_at, ${profileColumns('u', 'c.author_id')},
            row_number() over (partition by c.article_id order by c.created_at desc, c.id desc) as position
       from comments c
       join articles a on a.id = c.article_id
       join users u on u.id = c.author_id
      where a.slug in (select jsonb_array_elements_text(:slugs::jsonb))
   ) ranked
   where ranked.position <= :perArticle
   order by ranked.article_slug, ranked.position`,
);

const COMMENTS_OF = NamedSql.compile(
  `select c.id, c.body, c.created_at, c.updated_at, ${profileColumns('u', 'c.author_id')}
     from comments c
     join articles a on a.id = c.article_id
     join users u on u.id = c.author_id
    where a.slug = :slug
    order by c.created_at desc, c.id desc`,
);

/** The view of a comment its author just wrote: nobody follows themselves. */
export function newCommentView(comment: Comment): CommentView {
  return {
    id: comment.id,
    createdAt: comment.createdAt.toISOString(),
    updatedAt: comment.updatedAt.toISOString(),
    body: comment.body,
    author: ownProfile(comment.author),
  };
}

function toCommentView(row: CommentRow): CommentView {
  return {
    id: row.id,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    body: row.body,
    author: toProfile(row),
  };
}
