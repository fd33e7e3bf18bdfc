import type { EntityManager } from '@mikro-orm/postgresql';
import { Article } from '../articles/article.entity';
import { Comment } from '../comments/comment.entity';
import type { JobRequest } from '../jobs/job.repository';
import type { JobHandler } from '../jobs/worker';
import type { MailOutbox } from '../mail/mail-outbox';
import { User } from '../users/user.entity';
import { commentsMail, welcomeMail } from './templates';

export const WELCOME_MAIL = 'mail.welcome';
export const COMMENTS_MAIL = 'mail.comments';

/** Enqueued with the new account, in the registration's transaction. */
export function welcomeMailJob(userId: number): JobRequest {
  return { name: WELCOME_MAIL, payload: { userId } };
}

/**
 * Enqueued with a comment by someone other than the article's author, in the comment's
 * transaction. Batched per article: the first comment queues a job due `windowMs` later, and the
 * comments that come while it waits join it (`items`). The next job can only be queued once that
 * one was claimed, and waits a window in turn: at most one mail per article per window.
 */
export function commentsMailJob(articleId: number, commentId: number, windowMs: number): JobRequest {
  return {
    name: COMMENTS_MAIL,
    payload: { articleId, items: [commentId] },
    delayMs: windowMs,
    singleton: { key: `${COMMENTS_MAIL}:article:${articleId}`, onConflict: 'batch' },
  };
}

/** The welcome mail, whatever `emailNotifications` says: it is about the account, not a notification. */
export function welcomeMailHandler(outbox: MailOutbox): JobHandler<{ userId: number }> {
  return {
    name: WELCOME_MAIL,
    async run({ userId }, { em }) {
      const user = await em.findOne(User, { id: userId }, { fields: ['email', 'username'] });
      // Deleted before its welcome: nobody to welcome.
      if (!user) return;
      await outbox.sendOnce(em, `welcome:${userId}`, welcomeMail(user));
    },
  };
}

/**
 * Mails the article's author the batch's comments that still exist, unless they turned
 * notifications off (checked when sending, so turning them off stops mails already queued).
 */
export function commentsMailHandler(outbox: MailOutbox): JobHandler<{ articleId: number; items: number[] }> {
  return {
    name: COMMENTS_MAIL,
    async run({ articleId, items }, { em, job }) {
      const digest = await loadCommentDigest(em, articleId, items);
      if (!digest?.author.emailNotifications || digest.comments.length === 0) return;
      await outbox.sendOnce(em, `comments:${job.id}`, commentsMail(digest));
    },
  };
}

/** The article, its author and the comments of a batch, in two statements. */
async function loadCommentDigest(em: EntityManager, articleId: number, commentIds: number[]) {
  const article = await em.findOne(
    Article,
    { id: articleId },
    { fields: ['title', 'slug', 'author.email', 'author.username', 'author.emailNotifications'] },
  );
  if (!article) return undefined;
  const comments = await em.find(
    Comment,
    { id: { $in: commentIds }, article: articleId, author: { $ne: article.author.id } },
    { fields: ['body', 'author.username'], orderBy: { id: 'asc' } },
  );
  return {
    author: article.author,
    article: { title: article.title, slug: article.slug },
    comments: comments.map((comment) => ({ username: comment.author.username, body: comment.body })),
  };
}
