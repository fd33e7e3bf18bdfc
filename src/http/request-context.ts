import type { MikroORM } from '@mikro-orm/core';
import { RequestContext } from '@mikro-orm/core';
import type { Middleware } from 'koa';

/**
 * One EntityManager fork per request: its identity map and unit of work live and die with the
 * request, so nothing leaks between users.
 */
export function ormRequestContext(orm: MikroORM): Middleware {
  return function withRequestContext(_ctx, next) {
    return RequestContext.create(orm.em, next);
  };
}
