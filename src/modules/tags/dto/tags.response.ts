import { IsArray, IsString } from 'class-validator';
import { JSONSchema } from '../../../http/openapi/json-schema';

@JSONSchema({ additionalProperties: false })
export class TagsResponse {
  @IsString({ each: true })
  @IsArray()
  tags!: string[];
}
