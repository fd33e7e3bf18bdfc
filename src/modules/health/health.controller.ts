import { MikroORM } from '@mikro-orm/postgresql';
import type { Context } from 'koa';
import { Controller, Ctx, Get } from 'routing-controllers';
import { Service } from 'typedi';
import { version } from '../../../package.json';
import { RETRY_AFTER_SECONDS } from '../../http/error-handler';

const DATABASE_TIMEOUT_MS = 2000;

export interface HealthReport {
  status: 'ok' | 'unavailable';
  database: 'up' | 'down';
  version: string;
}

/** The talk's first test, and a readiness probe for load balancers. */
@Service()
@Controller()
export class HealthController {
  constructor(private readonly orm: MikroORM) {}

  @Get('/')
  hello(@Ctx() ctx: Context): string {
    ctx.type = 'text/plain';
    return 'Hello World!';
  }

  /**
   * 200 when the database answers `select 1` within 2 s, 503 with the same shape otherwise, and
   * with Retry-After so a probe or client knows when to ask again.
   */
  @Get('/health')
  async health(@Ctx() ctx: Context): Promise<HealthReport> {
    const databaseUp = await this.pingDatabase();
    ctx.status = databaseUp ? 200 : 503;
    if (!databaseUp) ctx.set('Retry-After', String(RETRY_AFTER_SECONDS));
    ctx.type = 'application/json';
    return { status: databaseUp ? 'ok' : 'unavailable', database: databaseUp ? 'up' : 'down', version };
  }

  private async pingDatabase(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), DATABASE_TIMEOUT_MS);
    });
    const ping = this.orm.em
      .getConnection()
      .execute('select 1')
      .then(() => true as const)
      .catch(() => false as const);
    try {
      return await Promise.race([ping, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
