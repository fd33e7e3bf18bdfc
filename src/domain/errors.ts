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
