import { IsString } from 'class-validator';
import { JSONSchema } from '../../../http/openapi/json-schema';

/** flask-jwt's `/auth` answer. */
@JSONSchema({ additionalProperties: false })
export class AccessTokenResponse {
  @IsString()
  access_token!: string;
}

@JSONSchema({ additionalProperties: false })
export class ProtectedViewResponse {
  @IsString()
  message!: string;

  @IsString()
  username!: string;
}
