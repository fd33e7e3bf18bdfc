import { EntityRepository } from '@mikro-orm/postgresql';
import { NamedSql } from '../../db/named-sql';
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
    const rows = await this.getEntityManager().execute<CommentRow[]>(
      COMMENTS_OF.text,
      COMMENTS_OF.bind({ slug, viewerId: viewerId ?? null }),
    );
    return rows.map(toCommentView);
  }
}

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
