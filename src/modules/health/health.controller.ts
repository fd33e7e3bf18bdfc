import { MikroORM } from '@mikro-orm/postgresql';
import type { Context } from 'koa';
import { Controller, Ctx, Get } from 'routing-controllers';
import { Service } from 'typedi';
import { version } from '../../../package.json';
import { ReplicaReads } from '../../db/replica-reads';
import { RETRY_AFTER_SECONDS } from '../../http/error-handler';
import { Documented } from '../../http/openapi/documented';
import { HealthReport } from './dto/health.response';

const DATABASE_TIMEOUT_MS = 2000;

/** The talk's first test, and a readiness probe for load balancers. */
@Service()
@Controller()
export class HealthController {
  constructor(
    private readonly orm: MikroORM,
    private readonly replicaReads?: ReplicaReads,
  ) {}

  @Get('/')
  @Documented({ summary: "The talk's first test: Hello World!", responses: { 200: 'text' } })
  hello(@Ctx() ctx: Context): string {
    ctx.type = 'text/plain';
    return 'Hello World!';
  }

  /**
   * 200 when the database answers `select 1` within 2 s, 503 with the same shape otherwise, and
   * with Retry-After so a probe or client knows when to ask again.
   */
  @Get('/health')
  @Documented({
    summary: 'Readiness: whether the database answers within 2 s',
    description:
      'Answers 503 with the same body (and `Retry-After`) while the database is down. With read replicas, ' +
      '`replicas` says how many answered; replicas that do not still leave 200 (reads fall back to the primary).',
    responses: {
      200: HealthReport,
      // The report from this route; the error body while the server is still starting.
      503: {
        description: 'The database does not answer, or the server is starting',
        content: {
          'application/json': {
            schema: {
              oneOf: [{ $ref: '#/components/schemas/HealthReport' }, { $ref: '#/components/schemas/ErrorResponse' }],
            },
          },
        },
      },
    },
  })
  async health(@Ctx() ctx: Context): Promise<HealthReport> {
    const [databaseUp, replicas] = await Promise.all([
      this.pingDatabase(),
      this.replicaReads && this.replicaReads.configured > 0 ? this.replicaReads.ping(DATABASE_TIMEOUT_MS) : undefined,
    ]);
    ctx.status = databaseUp ? 200 : 503;
    // A probe must see the database as it is now, never a cached answer.
    ctx.set('Cache-Control', 'no-store');
    if (!databaseUp) ctx.set('Retry-After', String(RETRY_AFTER_SECONDS));
    ctx.type = 'application/json';
    const report: HealthReport = {
      status: databaseUp ? 'ok' : 'unavailable',
      database: databaseUp ? 'up' : 'down',
      version,
    };
    // Replicas down leave the API up: their reads go to the primary (see ReplicaReads).
    if (replicas) report.replicas = replicas;
    return report;
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
