import { Article } from '../modules/articles/article.entity';
import { Favorite } from '../modules/articles/favorite.entity';
import { Comment } from '../modules/comments/comment.entity';
import { IdempotencyRecord } from '../modules/idempotency/idempotency-record.entity';
import { Job } from '../modules/jobs/job.entity';
import { RateLimitCounter } from '../modules/limits/rate-limit-counter.entity';
import { MailDelivery } from '../modules/mail/mail-delivery.entity';
import { RefreshToken } from '../modules/oauth/refresh-token.entity';
import { RefreshTokenFamily } from '../modules/oauth/refresh-token-family.entity';
import { Follow } from '../modules/profiles/follow.entity';
import { Tag } from '../modules/tags/tag.entity';
import { User } from '../modules/users/user.entity';

/**
 * Every entity, listed explicitly: discovery by folder glob breaks in compiled builds and bundles.
 */
export const entities = [
  User,
  Follow,
  Article,
  Favorite,
  Comment,
  Tag,
  RefreshTokenFamily,
  RefreshToken,
  RateLimitCounter,
  IdempotencyRecord,
  Job,
  MailDelivery,
];
