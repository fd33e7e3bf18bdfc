import { expect } from 'chai';
import { GraphQLError } from 'graphql';
import { Invalid, NotFound } from '../../src/domain/errors';
import { clientError } from '../../src/graphql/errors';
import { ServerErrors } from '../../src/http/server-errors';
import type { ErrorContext, ErrorReporter } from '../../src/observability/error-reporter';
import { capturingLogger, LEVEL } from '../support/log-capture';

/** A resolver's error as graphql-js hands it over: the thrown error is its originalError. */
const thrownAt = (path: (string | number)[] | undefined, cause: Error) =>
  new GraphQLError(cause.message, { path, originalError: cause });

describe("clientError (a GraphQL resolver's error as the client sees it)", () => {
  let captured: { error: unknown; context: ErrorContext }[];
  let reporting: Parameters<typeof clientError>[1];
  let lines: ReturnType<typeof capturingLogger>['lines'];

  beforeEach(() => {
    captured = [];
    const reporter: ErrorReporter = {
      enabled: true,
      capture: (error, context) => captured.push({ error, context }),
      flush: async () => true,
    };
    const capture = capturingLogger();
    lines = capture.lines;
    reporting = {
      serverErrors: new ServerErrors(capture.logger, reporter),
      requestId: 'r-1',
      method: 'POST',
      userId: 7,
    };
  });

  it("leaves graphql-js's own errors (syntax, validation, limits) as they are", () => {
    const syntax = new GraphQLError('Syntax Error: Expected Name');
    expect(clientError(syntax, reporting)).to.equal(syntax);
    const wrapped = new GraphQLError('limit', { originalError: new GraphQLError('inner') });
    expect(clientError(wrapped, reporting)).to.equal(wrapped);
  });

  it('answers a domain refusal with its own message and code, and neither logs nor reports it', () => {
    const answer = clientError(thrownAt(['article'], new NotFound('article not found')), reporting);
    expect(answer.message).to.equal('article not found');
    expect(answer.extensions).to.deep.equal({ code: 'NOT_FOUND' });
    expect(answer.path).to.deep.equal(['article']);
    expect(captured).to.deep.equal([]);
    expect(lines).to.deep.equal([]);
  });

  it('lists every message of invalid input', () => {
    const answer = clientError(
      thrownAt(['createArticle'], new Invalid(['title is required', 'body is required'])),
      reporting,
    );
    expect(answer.message).to.equal('title is required; body is required');
    expect(answer.extensions).to.deep.equal({
      code: 'BAD_USER_INPUT',
      messages: ['title is required', 'body is required'],
    });
  });

  it('hides an unexpected failure behind the request id, and logs and reports it with the field path as its route', () => {
    const cause = new Error('select * from users: connection reset');
    const answer = clientError(thrownAt(['article', 'comments', 0], cause), reporting);
    expect(answer.message).to.equal('internal server error (request id r-1)');
    expect(answer.extensions).to.deep.equal({ code: 'INTERNAL_SERVER_ERROR', requestId: 'r-1' });
    expect(captured).to.deep.equal([
      {
        error: cause,
        context: {
          source: 'graphql',
          requestId: 'r-1',
          method: 'POST',
          route: '/graphql article.comments.0',
          userId: 7,
        },
      },
    ]);
    expect(lines.map(({ level, msg, path }) => ({ level, msg, path }))).to.deep.equal([
      { level: LEVEL.error, msg: 'unhandled error in a GraphQL resolver', path: 'article.comments.0' },
    ]);
  });

  it('reports a failure outside any field under /graphql itself', () => {
    clientError(thrownAt(undefined, new Error('boom')), reporting);
    expect(captured.map(({ context }) => context.route)).to.deep.equal(['/graphql']);
  });
});
