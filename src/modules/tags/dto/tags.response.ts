import { IsArray, IsString } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';

@JSONSchema({ additionalProperties: false })
export class TagsResponse {
  @IsString({ each: true })
  @IsArray()
  tags!: string[];
}
