import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Service } from 'typedi';
import type { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/tokens';
import { Forbidden, NotFound } from '../../domain/errors';
import { Article } from '../articles/article.entity';
import { ArticleRepository } from '../articles/article.repository';
import { unlessArticleGone } from '../articles/article-gone';
import { Job } from '../jobs/job.entity';
import { commentsMailJob } from '../notifications/notification-jobs';
import type { User } from '../users/user.entity';
import { Comment } from './comment.entity';
import { CommentRepository, newCommentView } from './comment.repository';
import type { CommentView, NewComment } from './dto/comment.dto';

@Service()
export class CommentsService {
  constructor(
    private readonly em: EntityManager,
    private readonly comments: CommentRepository,
    private readonly articles: ArticleRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Newest first; one statement, plus one to tell "no comments" from "no article". */
  async list(slug: string, viewer: User | undefined): Promise<CommentView[]> {
    const comments = await this.comments.findViewsOf(slug, viewer?.id);
    // From the same database as the comments (a replica in a GET), so the two agree.
    if (comments.length === 0 && !(await this.articles.slugExists(slug))) throw new NotFound('article not found');
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

  /**
   * The comment and, when someone else's article, the job that mails its author, in one
   * transaction: both or neither.
   */
  async create(author: User, slug: string, input: NewComment): Promise<CommentView> {
    const { id: articleId, author: articleAuthor } = await this.findArticle(slug);
    const comment = await unlessArticleGone(() =>
      this.em.transactional(async (em) => {
        const created = em.create(Comment, { body: input.body, article: articleId, author: author.id });
        await em.flush();
        if (articleAuthor.id !== author.id) {
          await em.getRepository(Job).enqueue(commentsMailJob(articleId, created.id, this.config.mail.commentWindowMs));
        }
        return created;
      }),
    );
    comment.author = author;
    // Nothing else can be known about a comment this new: mapped from the entity, not read back.
    return newCommentView(comment);
  }

  /**
   * 404 unless the comment exists on this article; 403 unless the user wrote it. Any integer may
   * be looked up (0, negative or beyond PostgreSQL's integer just match nothing); a non-integer
   * is no id at all, and Infinity would reach the SQL as a bare word.
   */
  async delete(user: User, slug: string, id: number): Promise<void> {
    const comment = Number.isSafeInteger(id) ? await this.comments.findOne({ id, article: { slug } }) : null;
    if (!comment) throw new NotFound('comment not found');
    if (comment.author.id !== user.id) throw new Forbidden('only the author may delete this comment');
    await this.em.remove(comment).flush();
  }

  /** The article's id and author's id (nothing else is read), or 404. */
  private async findArticle(slug: string): Promise<{ id: number; author: { id: number } }> {
    const article = await this.em.findOne(Article, { slug }, { fields: ['id', 'author'] });
    if (!article) throw new NotFound('article not found');
    return { id: article.id, author: { id: article.author.id } };
  }
}
