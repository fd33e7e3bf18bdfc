import type { MikroORM } from '@mikro-orm/core';
import { RequestContext } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Middleware } from 'koa';
import type { ReplicaReads } from '../db/replica-reads';

/** Methods that change nothing (RFC 9110): their reads may come from a replica. */
const SAFE_METHODS = new Set(['GET', 'HEAD']);

/**
 * One EntityManager fork per request: its identity map and unit of work live and die with the
 * request, so nothing leaks between users. A safe request's fork may read from a read replica
 * (`readRows`); any other request reads and writes on the primary, so it reads its own writes.
 */
export function ormRequestContext(orm: MikroORM, replicas?: ReplicaReads): Middleware {
  if (!replicas || replicas.configured === 0) {
    return function withRequestContext(_ctx, next) {
      return RequestContext.create(orm.em, next);
    };
  }
  return function withRequestContext(ctx, next) {
    return RequestContext.create(orm.em, () => {
      if (SAFE_METHODS.has(ctx.method)) replicas.allowFor(orm.em.getContext() as EntityManager);
      return next();
    });
  };
}
