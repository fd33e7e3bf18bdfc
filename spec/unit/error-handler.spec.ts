import { ConnectionException, UniqueConstraintViolationException } from '@mikro-orm/core';
import { expect } from 'chai';
import { ValidationError } from 'class-validator';
import { HttpError, BadRequestError as RcBadRequestError } from 'routing-controllers';
import { describeError, fieldOfUniqueConstraint, flattenValidationErrors } from '../../src/http/error-handler';
import { ForbiddenError, NotFoundError, UnprocessableError } from '../../src/http/errors';

describe('describeError', () => {
  it('keeps the status and messages of our own errors', () => {
    expect(describeError(new NotFoundError('article not found'))).to.deep.equal({
      status: 404,
      messages: ['article not found'],
    });
    expect(describeError(new ForbiddenError())).to.include({ status: 403 });
    expect(describeError(new UnprocessableError(['a', 'b']))).to.deep.equal({ status: 422, messages: ['a', 'b'] });
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

  it('maps a missing authorization to 401', () => {
    // What routing-controllers throws when @Authorized() finds no user.
    const missing = Object.assign(new HttpError(401), { name: 'AuthorizationRequiredError' });
    expect(describeError(missing)).to.deep.equal({ status: 401, messages: ['missing or invalid authorization token'] });
  });

  it('answers 503 when the database cannot be reached or the pool is exhausted', () => {
    const refused = new ConnectionException(
      Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' }),
    );
    const exhausted = Object.assign(new Error('Knex: Timeout acquiring a connection.'), { name: 'KnexTimeoutError' });
    for (const error of [refused, exhausted]) {
      expect(describeError(error)).to.deep.equal({
        status: 503,
        messages: ['the service is temporarily unavailable, please retry'],
      });
    }
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
