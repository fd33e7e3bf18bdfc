import { OAuthRefusal } from '../../domain/errors';

/**
 * The parameters of the OAuth endpoints, read from a form (`application/x-www-form-urlencoded`,
 * what RFC 6749 prescribes) or a JSON object, and checked here, in the protocol's terms: what is
 * wrong is an `invalid_request`, never a 422. Unknown parameters are ignored and empty ones
 * count as absent (RFC 6749 §3.1); a repeated one is refused (§3.2).
 */

/** The scopes a client may ask for. `conduit`: the whole API, as the user (the only scope there is). */
export const SUPPORTED_SCOPES: readonly string[] = ['conduit'];

// No legitimate parameter comes near this: passwords are at most 256 characters, tokens 43.
const MAX_PARAMETER_LENGTH = 1024;
// RFC 6749 §3.3: scope tokens are printable ASCII except space, `"` and `\`.
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

export type TokenRequest =
  | { grantType: 'password'; username: string; password: string; scope: string[] | undefined; clientId: string | null }
  | { grantType: 'refresh_token'; refreshToken: string; scope: string[] | undefined; clientId: string | null };

export interface RevocationRequest {
  token: string;
  tokenTypeHint: string | undefined;
  clientId: string | null;
}

/** A form's or JSON object's parameters as single strings; refuses repeated or non-text values. */
export function readParameters(body: unknown): Map<string, string> {
  const parameters = new Map<string, string>();
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return parameters;
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (Array.isArray(value)) throw new OAuthRefusal('invalid_request', `parameter ${name} is repeated`);
    if (value === undefined || value === null || value === '') continue;
    if (typeof value !== 'string') throw new OAuthRefusal('invalid_request', `parameter ${name} must be a string`);
    if (value.length > MAX_PARAMETER_LENGTH) {
      throw new OAuthRefusal('invalid_request', `parameter ${name} is longer than ${MAX_PARAMETER_LENGTH} characters`);
    }
    parameters.set(name, value);
  }
  return parameters;
}

/**
 * The client, if it named one: `client_id` in the body, or HTTP Basic with the id and an empty
 * password (what some libraries send for a public client). There are only public clients: a
 * client secret is an authentication method this server does not support (`invalid_client`).
 */
export function clientOf(parameters: Map<string, string>, authorization: string | undefined): string | null {
  const inBody = parameters.get('client_id') ?? null;
  if (parameters.has('client_secret')) {
    throw new OAuthRefusal('invalid_client', 'client secrets are not supported: clients here are public');
  }
  // Other schemes (a RealWorld client's `Token <jwt>` sent on every request) are not client authentication.
  if (!authorization || !/^Basic[ \t]/i.test(authorization)) return inBody;
  const basic = /^Basic[ \t]+([A-Za-z0-9+/=]+)[ \t]*$/i.exec(authorization);
  if (!basic) throw new OAuthRefusal('invalid_client', 'the HTTP Basic credentials are malformed');
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  // RFC 6749 §2.3.1: the id and password are form-encoded before Basic encodes them.
  const id = safeDecode(colon === -1 ? decoded : decoded.slice(0, colon));
  const secret = colon === -1 ? '' : decoded.slice(colon + 1);
  if (id === undefined || id === '' || secret !== '') {
    throw new OAuthRefusal('invalid_client', 'client secrets are not supported: clients here are public');
  }
  if (inBody !== null && inBody !== id) throw new OAuthRefusal('invalid_request', 'two different client ids were sent');
  return id;
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    // Not form-encoded text (a stray or broken %): no id at all.
  }
  return undefined;
}

/** A `POST /oauth/token` request, or the refusal it deserves. */
export function parseTokenRequest(parameters: Map<string, string>, clientId: string | null): TokenRequest {
  const grantType = parameters.get('grant_type');
  if (grantType === undefined) throw new OAuthRefusal('invalid_request', 'grant_type is required');
  const scope = parseScope(parameters.get('scope'));
  if (grantType === 'password') {
    return {
      grantType,
      username: required(parameters, 'username'),
      password: required(parameters, 'password'),
      scope,
      clientId,
    };
  }
  if (grantType === 'refresh_token') {
    return { grantType, refreshToken: required(parameters, 'refresh_token'), scope, clientId };
  }
  throw new OAuthRefusal(
    'unsupported_grant_type',
    'grant_type must be password or refresh_token', // never echo what was sent
  );
}

/** A `POST /oauth/revoke` request (RFC 7009 §2.1). */
export function parseRevocationRequest(parameters: Map<string, string>, clientId: string | null): RevocationRequest {
  return { token: required(parameters, 'token'), tokenTypeHint: parameters.get('token_type_hint'), clientId };
}

function required(parameters: Map<string, string>, name: string): string {
  const value = parameters.get(name);
  if (value === undefined) throw new OAuthRefusal('invalid_request', `${name} is required`);
  return value;
}

/** The scope tokens asked for, de-duplicated, or undefined when none were; unknown ones are refused. */
export function parseScope(scope: string | undefined): string[] | undefined {
  if (scope === undefined) return undefined;
  const tokens = [...new Set(scope.split(' ').filter(Boolean))];
  if (tokens.length === 0) return undefined;
  for (const token of tokens) {
    if (!SCOPE_TOKEN.test(token)) throw new OAuthRefusal('invalid_request', 'scope is malformed');
    if (!SUPPORTED_SCOPES.includes(token)) {
      throw new OAuthRefusal('invalid_scope', `unknown scope; supported: ${SUPPORTED_SCOPES.join(' ')}`);
    }
  }
  return tokens;
}
