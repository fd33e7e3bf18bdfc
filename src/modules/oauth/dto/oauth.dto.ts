import { Equals, IsIn, IsInt, IsOptional, IsString, Min } from 'class-validator';
import { JSONSchema } from '../../../http/openapi/json-schema';

/**
 * The OAuth endpoints' bodies, for the OpenAPI document only: the controller reads parameters
 * itself (token-request.ts), because errors there are OAuth errors, not the API's 422.
 */

/** `POST /oauth/token`: the password grant or the refresh token grant (form or JSON). */
@JSONSchema({
  description:
    'grant_type=password with username (or e-mail address) and password, or grant_type=refresh_token with ' +
    'refresh_token. Sent as application/x-www-form-urlencoded (RFC 6749) or as a JSON object.',
})
export class OAuthTokenRequest {
  @IsIn(['password', 'refresh_token'])
  grant_type!: string;

  @JSONSchema({ description: 'password grant: a username or an e-mail address' })
  @IsOptional()
  @IsString()
  username?: string;

  @JSONSchema({ description: 'password grant' })
  @IsOptional()
  @IsString()
  password?: string;

  @JSONSchema({ description: 'refresh_token grant: the refresh token to exchange (it is rotated)' })
  @IsOptional()
  @IsString()
  refresh_token?: string;

  @JSONSchema({ description: 'space-separated; the only scope is `conduit`' })
  @IsOptional()
  @IsString()
  scope?: string;

  @JSONSchema({ description: 'a public client may name itself (required when OAUTH_CLIENT_IDS is set)' })
  @IsOptional()
  @IsString()
  client_id?: string;
}

/** `POST /oauth/revoke` (RFC 7009). */
export class OAuthRevocationRequest {
  @JSONSchema({ description: 'the refresh token to revoke (with every token of its login)' })
  @IsString()
  token!: string;

  @IsOptional()
  @IsString()
  token_type_hint?: string;

  @IsOptional()
  @IsString()
  client_id?: string;
}

/** RFC 6749 §5.1. */
@JSONSchema({ additionalProperties: false })
export class OAuthTokenResponse {
  @JSONSchema({ description: 'a JWT, accepted by every protected route (`Authorization: Bearer <token>`)' })
  @IsString()
  access_token!: string;

  @Equals('Bearer')
  token_type!: 'Bearer';

  @JSONSchema({ description: 'seconds until the access token expires (OAUTH_ACCESS_TOKEN_TTL)' })
  @Min(1)
  @IsInt()
  expires_in!: number;

  @JSONSchema({ description: 'opaque; single use: each refresh answers a new one' })
  @IsString()
  refresh_token!: string;

  @JSONSchema({ description: 'the granted scope, when one was asked for' })
  @IsOptional()
  @IsString()
  scope?: string;
}

/** RFC 6749 §5.2 / RFC 7009 §2.2.1 error body. */
@JSONSchema({ additionalProperties: false })
export class OAuthErrorResponse {
  @IsIn([
    'invalid_request',
    'invalid_client',
    'invalid_grant',
    'unsupported_grant_type',
    'invalid_scope',
    'unsupported_token_type',
    'slow_down',
    'server_error',
    'temporarily_unavailable',
  ])
  error!: string;

  @IsString()
  error_description!: string;
}
