import { Type } from 'class-transformer';
import { IsArray, IsString, ValidateNested } from 'class-validator';
import { JSONSchema } from './json-schema';

/** The messages of a failed request: one per problem. */
@JSONSchema({ additionalProperties: false })
export class ErrorMessages {
  @IsString({ each: true })
  @IsArray()
  body!: string[];
}

/** The RealWorld error body every 4xx and 5xx carries: `{"errors": {"body": ["..."]}}`. */
@JSONSchema({ additionalProperties: false })
export class ErrorResponse {
  @ValidateNested()
  @Type(() => ErrorMessages)
  errors!: ErrorMessages;
}
