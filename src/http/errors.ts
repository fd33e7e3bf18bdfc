import { HttpError } from 'routing-controllers';

/**
 * The errors the HTTP layer itself throws (body parsing, URL checks, authentication); services
 * throw domain errors (src/domain/errors.ts) instead. Each carries its HTTP status and the
 * messages a client may see; `errorHandler` turns them into `{"errors": {"body": [...]}}`.
 */
export class ApiError extends HttpError {
  constructor(
    status: number,
    readonly messages: string[],
  ) {
    super(status, messages.join('; '));
    // HttpError resets the prototype to its own, which would break `instanceof` for subclasses.
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = new.target.name;
  }
}

export class BadRequestError extends ApiError {
  constructor(message = 'bad request') {
    super(400, [message]);
  }
}

export class UnauthorizedError extends ApiError {
  constructor(message = 'missing or invalid authorization token') {
    super(401, [message]);
  }
}

/** Input that parsed but breaks a rule: a field that fails validation. */
export class UnprocessableError extends ApiError {
  constructor(messages: string | string[]) {
    super(422, Array.isArray(messages) ? messages : [messages]);
  }
}

export class PayloadTooLargeError extends ApiError {
  constructor(limit: string) {
    super(413, [`request body is larger than ${limit}`]);
  }
}
