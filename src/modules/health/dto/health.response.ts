import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Min, ValidateNested } from 'class-validator';
import { JSONSchema } from '../../../http/openapi/json-schema';

/** The read replicas (DATABASE_REPLICA_URLS): how many there are, and how many answered. */
@JSONSchema({ additionalProperties: false })
export class ReplicaHealth {
  @IsInt()
  @Min(1)
  configured!: number;

  @IsInt()
  @Min(0)
  up!: number;
}

/**
 * `GET /health`: the same shape with 200 (database up) and 503 (down). `database` is the primary;
 * replicas that do not answer leave the status 200 (their reads go to the primary meanwhile).
 */
@JSONSchema({ additionalProperties: false })
export class HealthReport {
  @IsIn(['ok', 'unavailable'])
  status!: 'ok' | 'unavailable';

  @IsIn(['up', 'down'])
  database!: 'up' | 'down';

  @IsString()
  version!: string;

  /** Present only when replicas are configured. */
  @IsOptional()
  @ValidateNested()
  @Type(() => ReplicaHealth)
  replicas?: ReplicaHealth;
}
