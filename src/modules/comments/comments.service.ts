import { EntityManager } from '@mikro-orm/postgresql';
import { Service } from 'typedi';
import { PG_INTEGER_MAX } from '../../db/pg-limits';
import { Forbidden, NotFound } from '../../domain/errors';
import { Article } from '../articles/article.entity';
import { unlessArticleGone } from '../articles/article-gone';
import { ownProfileRow } from '../profiles/dto/profile.response';
import type { User } from '../users/user.entity';
import { Comment } from './comment.entity';
import { type CommentRow, type CommentView, type NewComment, toCommentView } from './dto/comment.dto';

@Service()
export class CommentsService {
  constructor(private readonly em: EntityManager) {}

  /** Newest first; one statement, plus one to tell "no comments" from "no article". */
  async list(slug: string, viewer: User | undefined): Promise<CommentView[]> {
    const rows = await this.em.execute<CommentRow[]>(
      `select c.id, c.body, c.created_at, c.updated_at, u.username, u.bio, u.image,
              exists(select 1 from follows fo where fo.follower_id = ? and fo.followee_id = c.author_id) as following
         from comments c
         join articles a on a.id = c.article_id
         join users u on u.id = c.author_id
        where a.slug = ?
        order by c.created_at desc, c.id desc`,
      [viewer?.id ?? null, slug],
    );
    if (rows.length === 0) await this.findArticle(slug);
    return rows.map(toCommentView);
  }

  async create(author: User, slug: string, input: NewComment): Promise<CommentView> {
    const article = await this.findArticle(slug);
    const comment = this.em.create(Comment, { body: input.body, article, author });
    await unlessArticleGone(() => this.em.flush());
    return toCommentView({
      id: comment.id,
      body: comment.body,
      created_at: comment.createdAt,
      updated_at: comment.updatedAt,
      ...ownProfileRow(author),
    });
  }

  /** 404 unless the comment exists on this article; 403 unless the user wrote it. */
  async delete(user: User, slug: string, id: number): Promise<void> {
    const comment =
      Number.isSafeInteger(id) && id >= 1 && id <= PG_INTEGER_MAX
        ? await this.em.findOne(Comment, { id, article: { slug } })
        : null;
    if (!comment) throw new NotFound('comment not found');
    if (comment.author.id !== user.id) throw new Forbidden('only the author may delete this comment');
    await this.em.remove(comment).flush();
  }

  /** A reference to the article (only its id is read), or 404. */
  private async findArticle(slug: string): Promise<Article> {
    const article = await this.em.findOne(Article, { slug }, { fields: ['id'] });
    if (!article) throw new NotFound('article not found');
    return this.em.getReference(Article, article.id);
  }
}
