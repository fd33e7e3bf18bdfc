import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { ContainerInstance } from 'typedi';
import type { AppConfig } from './config/config';
import { APP_CONFIG, ERROR_REPORTER, LOGGER } from './config/tokens';
import { ReplicaReads } from './db/replica-reads';
import type { Logger } from './logger';
import { Article } from './modules/articles/article.entity';
import { ArticleRepository } from './modules/articles/article.repository';
import { Comment } from './modules/comments/comment.entity';
import { CommentRepository } from './modules/comments/comment.repository';
import { IdempotencyRepository } from './modules/idempotency/idempotency.repository';
import { IdempotencyRecord } from './modules/idempotency/idempotency-record.entity';
import { RateLimitRepository } from './modules/limits/rate-limit.repository';
import { RateLimitCounter } from './modules/limits/rate-limit-counter.entity';
import { OAuthService } from './modules/oauth/oauth.service';
import { RefreshToken } from './modules/oauth/refresh-token.entity';
import { RefreshTokenRepository } from './modules/oauth/refresh-token.repository';
import { Follow } from './modules/profiles/follow.entity';
import { ProfileRepository } from './modules/profiles/profile.repository';
import { Tag } from './modules/tags/tag.entity';
import { TagRepository } from './modules/tags/tag.repository';
import { PASSWORD_CHANGE_LISTENERS } from './modules/users/password-change';
import { User } from './modules/users/user.entity';
import { UserRepository } from './modules/users/user.repository';
import type { ErrorReporter } from './observability/error-reporter';

let containers = 0;

/**
 * All typedi wiring in one place: one container per app, so two apps in one process (two
 * configurations, or two databases) never share a service. Services and controllers are
 * `@Service()` classes resolved by constructor type; typedi 0.10 keeps their registrations in its
 * global container and builds a separate instance in each app container the first time that
 * container is asked, resolving constructor parameters (and `@Inject` tokens) from the same app
 * container (spec/api/two-apps.spec.ts holds it to that). This registers the values they need
 * that typedi cannot build itself: always on `container`, never on the global `Container`.
 *
 * The EntityManager and repositories registered here are the ORM's global ones: inside a request
 * they delegate to that request's fork (RequestContext), and outside one they throw.
 */
export function createContainer(deps: {
  config: AppConfig;
  logger: Logger;
  orm: MikroORM;
  errorReporter: ErrorReporter;
}): ContainerInstance {
  const { config, logger, orm, errorReporter } = deps;
  containers += 1;
  const container = new ContainerInstance(`app-${containers}`);
  container.set(APP_CONFIG, config);
  container.set(LOGGER, logger);
  container.set(ERROR_REPORTER, errorReporter);
  container.set(MikroORM, orm);
  container.set(EntityManager, orm.em);
  container.set(ReplicaReads, new ReplicaReads(orm, logger));
  container.set(UserRepository, orm.em.getRepository(User));
  container.set(ArticleRepository, orm.em.getRepository(Article));
  container.set(ProfileRepository, orm.em.getRepository(Follow));
  container.set(CommentRepository, orm.em.getRepository(Comment));
  container.set(TagRepository, orm.em.getRepository(Tag));
  container.set(IdempotencyRepository, orm.em.getRepository(IdempotencyRecord));
  container.set(RefreshTokenRepository, orm.em.getRepository(RefreshToken));
  container.set(RateLimitRepository, orm.em.getRepository(RateLimitCounter));
  // A password change revokes the user's refresh tokens: oauth listens to users, never the reverse.
  container.set(PASSWORD_CHANGE_LISTENERS, [
    { passwordChanged: (userId: number) => container.get(OAuthService).revokeAllOf(userId) },
  ]);
  return container;
}
