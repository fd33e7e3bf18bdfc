import { EntityManager } from '@mikro-orm/postgresql';
import { Service } from 'typedi';
import { PG_INTEGER_MAX } from '../../db/pg-limits';
import { Forbidden, NotFound } from '../../domain/errors';
import { Article } from '../articles/article.entity';
import { unlessArticleGone } from '../articles/article-gone';
import type { User } from '../users/user.entity';
import { CommentRepository, newCommentView } from './comment.repository';
import type { CommentView, NewComment } from './dto/comment.dto';

@Service()
export class CommentsService {
  constructor(
    private readonly em: EntityManager,
    private readonly comments: CommentRepository,
  ) {}

  /** Newest first; one statement, plus one to tell "no comments" from "no article". */
  async list(slug: string, viewer: User | undefined): Promise<CommentView[]> {
    const comments = await this.comments.findViewsOf(slug, viewer?.id);
    if (comments.length === 0) await this.findArticle(slug);
    return comments;
  }

  /**
   * The newest `perArticle` comments of each article, keyed by slug, in one statement for any
   * number of articles (the GraphQL comments loader). Unknown slugs simply have none.
   */
  firstOfMany(
    slugs: readonly string[],
    perArticle: number,
    viewer: User | undefined,
  ): Promise<Map<string, CommentView[]>> {
    return this.comments.findFirstViewsOfMany(slugs, perArticle, viewer?.id);
  }

  async create(author: User, slug: string, input: NewComment): Promise<CommentView> {
    const article = await this.findArticle(slug);
    const comment = this.comments.create({ body: input.body, article, author });
    await unlessArticleGone(() => this.em.flush());
    // Nothing else can be known about a comment this new: mapped from the entity, not read back.
    return newCommentView(comment);
  }

  /** 404 unless the comment exists on this article; 403 unless the user wrote it. */
  async delete(user: User, slug: string, id: number): Promise<void> {
    const comment =
      Number.isSafeInteger(id) && id >= 1 && id <= PG_INTEGER_MAX
        ? await this.comments.findOne({ id, article: { slug } })
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
