import { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Container } from 'typedi';
import type { AppConfig } from './config/config';
import { APP_CONFIG, LOGGER } from './config/tokens';
import type { Logger } from './logger';
import { Article } from './modules/articles/article.entity';
import { ArticleRepository } from './modules/articles/article.repository';
import { Comment } from './modules/comments/comment.entity';
import { CommentRepository } from './modules/comments/comment.repository';
import { Follow } from './modules/profiles/follow.entity';
import { ProfileRepository } from './modules/profiles/profile.repository';
import { Tag } from './modules/tags/tag.entity';
import { TagRepository } from './modules/tags/tag.repository';
import { User } from './modules/users/user.entity';
import { UserRepository } from './modules/users/user.repository';

/**
 * All typedi wiring in one place. Services and controllers are `@Service()` classes resolved by
 * constructor type; this registers the values they need that typedi cannot build itself.
 *
 * The EntityManager and repositories registered here are the ORM's global ones: inside a request
 * they delegate to that request's fork (RequestContext), and outside one they throw.
 */
export function registerDependencies(deps: { config: AppConfig; logger: Logger; orm: MikroORM }): void {
  const { config, logger, orm } = deps;
  Container.set(APP_CONFIG, config);
  Container.set(LOGGER, logger);
  Container.set(MikroORM, orm);
  Container.set(EntityManager, orm.em);
  Container.set(UserRepository, orm.em.getRepository(User));
  Container.set(ArticleRepository, orm.em.getRepository(Article));
  Container.set(ProfileRepository, orm.em.getRepository(Follow));
  Container.set(CommentRepository, orm.em.getRepository(Comment));
  Container.set(TagRepository, orm.em.getRepository(Tag));
}
