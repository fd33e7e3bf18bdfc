import type { ResponseObject } from 'openapi3-ts';
import { Body, HeaderParam, HttpCode, JsonController, Post } from 'routing-controllers';
import { Service } from 'typedi';
import { PLAIN_RESPONSES } from '../../http/controller-options';
import { Documented } from '../../http/openapi/documented';
import { OAuthTokenResponse } from './dto/oauth.dto';
import { OAuthService, type TokenGrant } from './oauth.service';
import { clientOf, parseRevocationRequest, parseTokenRequest, readParameters } from './token-request';

/** Where the OAuth endpoints live; their errors take RFC 6749's shape (see http/oauth-errors.ts). */
export const OAUTH_TOKEN_PATH = '/oauth/token';
export const OAUTH_REVOKE_PATH = '/oauth/revoke';

function oauthError(description: string): ResponseObject {
  return {
    description,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/OAuthErrorResponse' } } },
  };
}

function formOrJson(schema: string) {
  const content = { schema: { $ref: `#/components/schemas/${schema}` } };
  return {
    required: true,
    content: { 'application/x-www-form-urlencoded': content, 'application/json': content },
  };
}

// Every answer of both endpoints, errors in the OAuth shape (RFC 6749 §5.2).
const OAUTH_ERRORS: Record<number, ResponseObject> = {
  400: oauthError(
    'invalid_request (missing, repeated or malformed parameter, or a body that cannot be read), invalid_grant, ' +
      'unsupported_grant_type, invalid_scope, or unsupported_token_type (revocation of an access token)',
  ),
  401: oauthError('invalid_client: a client secret was sent, or a client id that OAUTH_CLIENT_IDS does not list'),
  413: oauthError('invalid_request: the body is larger than the configured limit'),
  415: oauthError('invalid_request: unsupported Content-Encoding'),
  429: oauthError('slow_down: an abuse limit was reached; retry after `Retry-After` seconds'),
  500: oauthError('server_error (the description names a request id)'),
  503: oauthError('temporarily_unavailable: the database is unavailable; retry after `Retry-After` seconds'),
};

/**
 * The OAuth 2.0 token endpoint (RFC 6749) and revocation endpoint (RFC 7009) for first-party
 * clients. Bodies are forms or JSON objects, read as OAuth parameters, not through DTOs.
 * Every answer carries `Cache-Control: no-store` (see http/oauth-errors.ts).
 */
@Service()
@JsonController('/oauth', PLAIN_RESPONSES)
export class OAuthController {
  constructor(private readonly oauth: OAuthService) {}

  @Post('/token')
  @HttpCode(200)
  @Documented({
    summary: 'OAuth 2.0 token endpoint: password and refresh_token grants (refresh tokens rotate on every use)',
    requestBody: formOrJson('OAuthTokenRequest'),
    responses: { 200: OAuthTokenResponse, ...OAUTH_ERRORS },
    ownErrors: true,
  })
  token(
    @Body({ required: false, validate: false }) body: unknown,
    @HeaderParam('authorization') authorization?: string,
  ): Promise<TokenGrant> {
    const parameters = readParameters(body);
    return this.oauth.grant(parseTokenRequest(parameters, clientOf(parameters, authorization)));
  }

  @Post('/revoke')
  @HttpCode(200)
  @Documented({
    summary: 'OAuth 2.0 token revocation (RFC 7009): revokes a refresh token and every token of its login',
    requestBody: formOrJson('OAuthRevocationRequest'),
    responses: { 200: 'none', ...OAUTH_ERRORS },
    ownErrors: true,
  })
  async revoke(
    @Body({ required: false, validate: false }) body: unknown,
    @HeaderParam('authorization') authorization?: string,
  ): Promise<string> {
    const parameters = readParameters(body);
    await this.oauth.revoke(parseRevocationRequest(parameters, clientOf(parameters, authorization)));
    // RFC 7009 §2.2: the status says it all. An empty string keeps the 200 (null would be 204).
    return '';
  }
}
