import type { Mail } from '../mail/mailer';

/** Text as HTML: user content (usernames, titles, comments) never becomes markup. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ENTITIES[character]);
}

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Keeps HTML line breaks where the text had them (comments are multi-line). */
function paragraph(text: string): string {
  return escapeHtml(text).replace(/\r?\n/g, '<br>');
}

function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${body}</body></html>`;
}

const SIGNATURE = '— Conduit';

export function welcomeMail(user: { email: string; username: string }): Mail {
  const subject = 'Welcome to Conduit';
  return {
    to: user.email,
    subject,
    text: `Hello ${user.username},\n\nwelcome to Conduit! Your account is ready.\n\n${SIGNATURE}\n`,
    html: page(
      subject,
      `<p>Hello ${escapeHtml(user.username)},</p><p>welcome to Conduit! Your account is ready.</p><p>${SIGNATURE}</p>`,
    ),
  };
}

export interface CommentDigest {
  author: { email: string; username: string };
  article: { title: string; slug: string };
  comments: { username: string; body: string }[];
}

/** One mail for every comment of a batch (see COMMENT_MAIL_WINDOW_MS). */
export function commentsMail({ author, article, comments }: CommentDigest): Mail {
  const subject =
    comments.length === 1
      ? `${comments[0].username} commented on "${article.title}"`
      : `${comments.length} new comments on "${article.title}"`;
  const unsubscribe =
    'You get these mails because you wrote the article. To stop them: PUT /api/user {"user":{"emailNotifications":false}}.';
  const text = [
    `Hello ${author.username},`,
    '',
    `new comments on your article "${article.title}" (${article.slug}):`,
    '',
    ...comments.flatMap((comment) => [`${comment.username} wrote:`, comment.body, '']),
    unsubscribe,
    '',
    SIGNATURE,
    '',
  ].join('\n');
  const html = page(
    subject,
    [
      `<p>Hello ${escapeHtml(author.username)},</p>`,
      `<p>new comments on your article <strong>${escapeHtml(article.title)}</strong> (${escapeHtml(article.slug)}):</p>`,
      ...comments.map(
        (comment) =>
          `<blockquote><p><strong>${escapeHtml(comment.username)}</strong> wrote:</p><p>${paragraph(comment.body)}</p></blockquote>`,
      ),
      `<p><small>${escapeHtml(unsubscribe)}</small></p>`,
      `<p>${SIGNATURE}</p>`,
    ].join(''),
  );
  return { to: author.email, subject, text, html };
}
