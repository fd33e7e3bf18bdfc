import { MikroORM } from '@mikro-orm/postgresql';
import { expect } from 'chai';
import type { Context } from 'koa';
import { buildOrmOptions } from '../../mikro-orm.config';
import { version } from '../../package.json';
import { getConfig } from '../../src/config/config';
import { HealthController } from '../../src/modules/health/health.controller';

// The API spec covers the 200; a database that does not answer needs an ORM of its own, pointed
// at a port where nothing listens (the shared app must keep its working one).
describe('HealthController when the database does not answer', () => {
  let orm: MikroORM;

  before(async () => {
    orm = await MikroORM.init({
      ...buildOrmOptions(getConfig()),
      clientUrl: 'postgres://postgres@127.0.0.1:9/unreachable',
      connect: false,
    });
  });

  after(() => orm.close(true));

  it('answers 503 with the same shape as the 200, and Retry-After', async () => {
    const headers: Record<string, string> = {};
    const ctx = {
      status: 200,
      type: '',
      set: (name: string, value: string) => {
        headers[name] = value;
      },
    } as unknown as Context;
    const report = await new HealthController(orm).health(ctx);
    expect(ctx.status).to.equal(503);
    expect(report).to.deep.equal({ status: 'unavailable', database: 'down', version });
    expect(headers['Retry-After']).to.match(/^\d+$/);
  });
});
