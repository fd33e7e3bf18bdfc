/**
 * The errors the domain (services, repositories) throws when a request cannot be carried out.
 * They name what went wrong, not how a transport reports it: the HTTP error boundary
 * (`describeError`) maps each kind to a status, and the CLI reads them the same way. Nothing here
 * may depend on Koa or routing-controllers.
 */
export abstract class DomainError extends Error {
  /** What a caller may be shown; one entry per problem, so a form can show them all. */
  readonly messages: string[];

  constructor(messages: string | string[]) {
    const list = Array.isArray(messages) ? messages : [messages];
    super(list.join('; '));
    this.messages = list;
    this.name = new.target.name;
  }
}

/** The thing asked for does not exist (or is not visible to the caller). */
export class NotFound extends DomainError {}

/** The caller is known but may not do this, e.g. change someone else's article. */
export class Forbidden extends DomainError {}

/** Credentials that identify nobody. */
export class Unauthenticated extends DomainError {}

/** A unique value (email, username) another record already holds. */
export class AlreadyTaken extends DomainError {}

/** A request that breaks a domain rule, e.g. following yourself. */
export class Invalid extends DomainError {}

/** The error codes of the OAuth 2.0 token endpoint (RFC 6749 §5.2) and revocation (RFC 7009 §2.2.1). */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'unsupported_token_type';

/** A refusal of the OAuth 2.0 endpoints, named by its protocol error code; the message is its description. */
export class OAuthRefusal extends DomainError {
  constructor(
    readonly code: OAuthErrorCode,
    description: string,
  ) {
    super(description);
  }
}

/** Too many attempts within a limit's window: the caller may try again in `retryAfterSeconds`. */
export class RateLimited extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super(`too many requests, retry in ${retryAfterSeconds} seconds`);
  }
}
