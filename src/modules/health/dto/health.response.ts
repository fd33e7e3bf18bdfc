import { IsIn, IsString } from 'class-validator';
import { JSONSchema } from '../../../http/openapi/json-schema';

/** `GET /health`: the same shape with 200 (database up) and 503 (down). */
@JSONSchema({ additionalProperties: false })
export class HealthReport {
  @IsIn(['ok', 'unavailable'])
  status!: 'ok' | 'unavailable';

  @IsIn(['up', 'down'])
  database!: 'up' | 'down';

  @IsString()
  version!: string;
}
