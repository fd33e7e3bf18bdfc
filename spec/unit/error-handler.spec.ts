import { DriverException, UniqueConstraintViolationException } from '@mikro-orm/core';
import { expect } from 'chai';
import { ValidationError } from 'class-validator';
import { HttpError, BadRequestError as RcBadRequestError } from 'routing-controllers';
import { fieldOfUniqueConstraint } from '../../src/db/database-errors';
import {
  AlreadyTaken,
  Forbidden,
  Invalid,
  NotFound,
  OAuthRefusal,
  RateLimited,
  Unauthenticated,
} from '../../src/domain/errors';
import { describeError } from '../../src/http/error-handler';
import { UnprocessableError } from '../../src/http/errors';
import { flattenValidationErrors } from '../../src/validation/flatten-errors';

describe('describeError', () => {
  it('keeps the status and messages of our own errors', () => {
    expect(describeError(new UnprocessableError(['a', 'b']))).to.deep.equal({ status: 422, messages: ['a', 'b'] });
  });

  it('maps each domain error to its status, keeping its messages', () => {
    expect(describeError(new NotFound('article not found'))).to.deep.equal({
      status: 404,
      messages: ['article not found'],
    });
    expect(describeError(new Forbidden('no'))).to.deep.equal({ status: 403, messages: ['no'] });
    expect(describeError(new Unauthenticated('who?'))).to.deep.equal({ status: 401, messages: ['who?'] });
    expect(describeError(new AlreadyTaken(['a', 'b']))).to.deep.equal({ status: 422, messages: ['a', 'b'] });
    expect(describeError(new Invalid('bad'))).to.deep.equal({ status: 422, messages: ['bad'] });
  });

  it('turns a unique violation into 422 naming the field, without SQL', () => {
    const violation = new UniqueConstraintViolationException(
      Object.assign(new Error('insert into "users" ... duplicate key'), { constraint: 'users_email_lower_unique' }),
    );
    Object.assign(violation, { constraint: 'users_email_lower_unique' });
    expect(describeError(violation)).to.deep.equal({ status: 422, messages: ['email has already been taken'] });
  });

  it('turns routing-controllers validation failures into 422 with field messages', () => {
    const error = new RcBadRequestError('Invalid body');
    const child = Object.assign(new ValidationError(), {
      property: 'email',
      constraints: { isEmail: 'email must be an email address' },
    });
    const parent = Object.assign(new ValidationError(), { property: 'user', children: [child] });
    Object.assign(error, { errors: [parent] });
    expect(describeError(error)).to.deep.equal({ status: 422, messages: ['email must be an email address'] });
  });

  it('maps the rate limit to 429 and OAuth refusals to 400, a failed client authentication to 401', () => {
    expect(describeError(new RateLimited(30))).to.deep.equal({
      status: 429,
      messages: ['too many requests, retry in 30 seconds'],
    });
    expect(describeError(new OAuthRefusal('invalid_grant', 'refresh token is spent'))).to.deep.equal({
      status: 400,
      messages: ['refresh token is spent'],
    });
    expect(describeError(new OAuthRefusal('invalid_client', 'unknown client'))).to.include({ status: 401 });
  });

  it('answers a unique violation on a constraint it cannot name with a generic 422', () => {
    const violation = new UniqueConstraintViolationException(new Error('duplicate key'));
    Object.assign(violation, { constraint: 'some_pkey' });
    expect(describeError(violation)).to.deep.equal({ status: 422, messages: ['already exists'] });
  });

  it('answers validation failures without a message with a generic one', () => {
    const error = Object.assign(new RcBadRequestError('Invalid body'), { errors: [] });
    expect(describeError(error)).to.deep.equal({ status: 422, messages: ['request body is invalid'] });
  });

  it('names the invalid parameter without quoting the value', () => {
    // What routing-controllers throws when a query parameter does not parse (not exported by it).
    const invalid = Object.assign(
      new HttpError(400, 'Given parameter limit is invalid. Value ("<script>") cannot be parsed into number.'),
      { name: 'ParamNormalizationError' },
    );
    expect(describeError(invalid)).to.deep.equal({
      status: 422,
      messages: ['limit is invalid'],
    });
    const unparsable = Object.assign(
      new HttpError(400, 'Given parameter filter is invalid. Value ("{oops") cannot be parsed into JSON.'),
      { name: 'ParameterParseJsonError' },
    );
    expect(describeError(unparsable)).to.deep.equal({
      status: 422,
      messages: ['filter is invalid'],
    });
    const unnamed = Object.assign(new HttpError(400, 'something odd'), { name: 'ParamNormalizationError' });
    expect(describeError(unnamed)).to.deep.equal({ status: 422, messages: ['parameter is invalid'] });
  });

  it('keeps the parameter, not the route, of a missing required parameter', () => {
    const missing = Object.assign(new HttpError(400, 'Query parameter "tag" is required for request on GET /x'), {
      name: 'ParamRequiredError',
    });
    expect(describeError(missing)).to.deep.equal({ status: 422, messages: ['Query parameter "tag" is required'] });
  });

  it("keeps another routing-controllers error's status with its standard reason, 500 when it is no error status", () => {
    const denied = Object.assign(new HttpError(403, 'Access is denied for request on GET /x'), {
      name: 'AccessDeniedError',
    });
    expect(describeError(denied)).to.deep.equal({
      status: 403,
      messages: ['you are not allowed to do this'],
    });
    expect(describeError(new HttpError(418))).to.deep.equal({ status: 418, messages: ["i'm a teapot"] });
    expect(describeError(new HttpError(400))).to.deep.equal({ status: 400, messages: ['bad request'] });
    expect(describeError(new HttpError(599))).to.deep.equal({ status: 599, messages: ['error'] });
    expect(describeError(new HttpError(302))).to.deep.equal({ status: 500, messages: ['internal server error'] });
    expect(describeError(new HttpError(600))).to.deep.equal({ status: 500, messages: ['internal server error'] });
  });

  it('keeps the 4xx of errors raised with ctx.throw, with their standard reason only', () => {
    expect(describeError(Object.assign(new Error('secret'), { status: 413 }))).to.deep.equal({
      status: 413,
      messages: ['payload too large'],
    });
    expect(describeError(Object.assign(new Error('x'), { status: 400 }))).to.deep.equal({
      status: 400,
      messages: ['bad request'],
    });
    expect(describeError(Object.assign(new Error('x'), { status: 499 }))).to.deep.equal({
      status: 499,
      messages: ['error'],
    });
    expect(describeError(Object.assign(new Error('x'), { status: 399 }))).to.include({ status: 500 });
    expect(describeError(Object.assign(new Error('x'), { status: '404' }))).to.include({ status: 500 });
    expect(describeError(null)).to.include({ status: 500 });
  });

  it('maps a missing authorization to 401', () => {
    // What routing-controllers throws when @Authorized() finds no user.
    const missing = Object.assign(new HttpError(401), { name: 'AuthorizationRequiredError' });
    expect(describeError(missing)).to.deep.equal({ status: 401, messages: ['missing or invalid authorization token'] });
  });

  // The shapes below were captured from MikroORM 6 / knex / node-postgres against a real server:
  // a closed port, a pool of one held by a transaction, pg_terminate_backend, statement_timeout
  // and query_timeout. ORM calls wrap them in a DriverException that copies code and message;
  // raw `connection.execute` calls and the pool throw them unwrapped.
  const unavailable = 'the service is temporarily unavailable, please retry';
  const pgError = (code: string, message: string) =>
    Object.assign(new Error(message), { name: 'error', severity: 'FATAL', code });
  const socketError = (code: string, message: string) =>
    Object.assign(new Error(message), { code, errno: -111, syscall: 'connect' });
  const knexTimeout = () =>
    Object.assign(
      new Error(
        'Knex: Timeout acquiring a connection. The pool is probably full. Are you missing a .transacting(trx) call?',
      ),
      { name: 'KnexTimeoutError', sql: undefined, bindings: undefined },
    );
  const connectionFailures: Record<string, Error> = {
    'ECONNREFUSED (server stopped)': socketError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'),
    'ECONNRESET (connection dropped)': socketError('ECONNRESET', 'read ECONNRESET'),
    '57P01 admin shutdown': pgError('57P01', 'select 1 - terminating connection due to administrator command'),
    '57P03 cannot connect now': pgError('57P03', 'the database system is starting up'),
    '57014 statement timeout': pgError('57014', 'select pg_sleep(9) - canceling statement due to statement timeout'),
    '53300 too many connections': pgError('53300', 'sorry, too many clients already'),
    '08006 connection failure': pgError('08006', 'connection failure'),
    'knex pool acquire timeout': knexTimeout(),
    'pg: Connection terminated unexpectedly': new Error(
      'insert into "articles" ... - Connection terminated unexpectedly',
    ),
    'pg: connect timeout': new Error('Connection terminated due to connection timeout'),
    'pg: query_timeout': new Error('select "u0".* from "users" as "u0" - Query read timeout'),
    'pg: client lost earlier': new Error('Client has encountered a connection error and is not queryable'),
    'knex: transaction whose BEGIN hit a dead connection': new Error(
      'Transaction query already complete, run with DEBUG=knex:tx for more info',
    ),
  };

  for (const [label, error] of Object.entries(connectionFailures)) {
    it(`answers 503 for ${label}, raw or wrapped in a DriverException`, () => {
      expect(describeError(error)).to.deep.equal({ status: 503, messages: [unavailable] });
      expect(describeError(new DriverException(error))).to.deep.equal({ status: 503, messages: [unavailable] });
      expect(describeError(new Error('query failed', { cause: error }))).to.include({ status: 503 });
    });
  }

  it('keeps query errors that are not about the connection at 500', () => {
    for (const error of [
      pgError('42P01', 'select * from "nope" - relation "nope" does not exist'),
      pgError('23503', 'insert or update on table "comments" violates foreign key constraint'),
      pgError('22P02', 'invalid input syntax for type integer'),
    ]) {
      expect(describeError(new DriverException(error))).to.deep.equal({
        status: 500,
        messages: ['internal server error'],
      });
    }
  });

  it("does not mistake a client's aborted upload (ECONNABORTED with status 400) for a database failure", () => {
    const aborted = Object.assign(new Error('request aborted'), { code: 'ECONNABORTED', status: 400, expose: true });
    expect(describeError(aborted)).to.include({ status: 400 });
  });

  it('hides everything unexpected behind a generic 500', () => {
    expect(describeError(new Error('relation "users" does not exist'))).to.deep.equal({
      status: 500,
      messages: ['internal server error'],
    });
    expect(describeError('a string')).to.include({ status: 500 });
    expect(describeError(Object.assign(new Error('boom'), { status: 503 }))).to.include({ status: 500 });
  });
});

describe('fieldOfUniqueConstraint', () => {
  it('reads the field from our constraint names', () => {
    expect(fieldOfUniqueConstraint('users_email_lower_unique')).to.equal('email');
    expect(fieldOfUniqueConstraint('users_username_unique')).to.equal('username');
    expect(fieldOfUniqueConstraint('users_username_key_unique')).to.equal('username');
    expect(fieldOfUniqueConstraint('articles_slug_unique')).to.equal('slug');
    expect(fieldOfUniqueConstraint('some_pkey')).to.equal(undefined);
  });
});

describe('flattenValidationErrors', () => {
  it('collects nested messages once each', () => {
    const a = Object.assign(new ValidationError(), { constraints: { x: 'x is bad' } });
    const b = Object.assign(new ValidationError(), { constraints: { x: 'x is bad' }, children: [a] });
    expect(flattenValidationErrors([a, b])).to.deep.equal(['x is bad']);
  });
});
