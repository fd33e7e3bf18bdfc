import 'reflect-metadata';
import { expect } from 'chai';
import { GraphQLError, parse, validate } from 'graphql';
import type { GraphqlLimits } from '../../src/config/config';
import { codeOfStatus } from '../../src/graphql/error-codes';
import { validInput } from '../../src/graphql/input';
import { aliasLimit, depthLimit, limitRules, parseWithin } from '../../src/graphql/limits';
import { graphqlSchema } from '../../src/graphql/schema';
import { LoginUserRequest } from '../../src/modules/users/dto/login-user.dto';

const LIMITS: GraphqlLimits = {
  maxDepth: 100,
  maxCost: 1,
  maxAliases: 100,
  maxTokens: 2000,
  introspection: true,
  bodyLimit: '256kb',
};

/** What the cost rule prices an operation at: with a maximum of 1, its error names the cost. */
function costOf(query: string, variables?: Record<string, unknown>): number {
  const errors = validate(graphqlSchema(), parse(query), limitRules(LIMITS, variables));
  const costly = errors.find((error) => error.extensions.code === 'QUERY_TOO_COSTLY');
  return costly ? Number(/costs (\d+)/.exec(costly.message)?.[1]) : 1;
}

function codesOf(query: string, rule: ReturnType<typeof depthLimit>): string[] {
  return validate(graphqlSchema(), parse(query), [rule]).map((error) => String(error.extensions.code));
}

describe('GraphQL limits (src/graphql/limits.ts)', () => {
  describe('the cost of an operation', () => {
    it('prices a page of articles or of the feed at its limit: each item costs what it selects', () => {
      // slug 1; ArticleList.articles 1 + 1; the page 1 + limit × 2.
      expect(costOf('{ articles(limit: 7) { articles { slug } } }')).to.equal(15);
      expect(costOf('{ feed(limit: 7) { articles { slug } } }')).to.equal(15);
      expect(costOf('query ($n: Int) { articles(limit: $n) { articles { slug } } }', { n: 3 })).to.equal(7);
    });

    it('prices a page as the resolver clamps it: the default below 1, at most 100', () => {
      expect(costOf('{ articles { articles { slug } } }')).to.equal(41);
      expect(costOf('{ articles(limit: 0) { articles { slug } } }')).to.equal(41);
      expect(costOf('{ articles(limit: 1) { articles { slug } } }')).to.equal(3);
      expect(costOf('{ articles(limit: 500) { articles { slug } } }')).to.equal(201);
    });

    it("prices an article's comments at their first (default 5, at most 20), every comment list at 20", () => {
      // body 1; comments 1 + first × 1; article 1 + 1 × that.
      expect(costOf('{ article(slug: "a") { comments(first: 3) { body } } }')).to.equal(5);
      expect(costOf('{ article(slug: "a") { comments { body } } }')).to.equal(7);
      expect(costOf('{ article(slug: "a") { comments(first: 50) { body } } }')).to.equal(22);
      expect(costOf('{ comments(slug: "a") { body } }')).to.equal(21);
      expect(costOf('{ profile(username: "a") { username bio } }')).to.equal(3);
    });
  });

  describe('depthLimit', () => {
    const fourDeep = '{ articles { articles { author { username } } } }';

    it('allows exactly its maximum and refuses one level more', () => {
      expect(codesOf(fourDeep, depthLimit(4))).to.deep.equal([]);
      expect(codesOf(fourDeep, depthLimit(3))).to.deep.equal(['QUERY_TOO_DEEP']);
    });

    it('looks at every field, not only the first, however deep the first one is', () => {
      expect(codesOf(`{ tags ${fourDeep.slice(1)}`, depthLimit(3))).to.deep.equal(['QUERY_TOO_DEEP']);
      expect(
        codesOf('{ articles { articles { slug } } feed { articles { author { username } } } }', depthLimit(3)),
      ).to.deep.equal(['QUERY_TOO_DEEP']);
    });

    it('counts no level for fragments, and follows named ones', () => {
      const inline = '{ articles { ... on ArticleList { articles { author { username } } } } }';
      expect(codesOf(inline, depthLimit(4))).to.deep.equal([]);
      expect(codesOf(inline, depthLimit(3))).to.deep.equal(['QUERY_TOO_DEEP']);
      const named = 'fragment Page on ArticleList { articles { author { username } } } { articles { ...Page } }';
      expect(codesOf(named, depthLimit(4))).to.deep.equal([]);
      expect(codesOf(named, depthLimit(3))).to.deep.equal(['QUERY_TOO_DEEP']);
    });

    it('stops at a fragment cycle instead of following it forever', () => {
      const cycle =
        'fragment A on Profile { username ...B } fragment B on Profile { bio ...A } { profile(username: "x") { ...A } }';
      expect(codesOf(cycle, depthLimit(2))).to.deep.equal([]);
      expect(codesOf(cycle, depthLimit(1))).to.deep.equal(['QUERY_TOO_DEEP']);
    });

    it('says how deep an operation may go', () => {
      const [error] = validate(graphqlSchema(), parse(fourDeep), [depthLimit(3)]);
      expect(error.message).to.equal('the operation nests deeper than 3 levels');
    });
  });

  it('aliasLimit allows exactly its maximum of aliases, and says so past it', () => {
    const aliased = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `t${i}: tags`).join(' ')} }`;
    expect(validate(graphqlSchema(), parse(aliased(2)), [aliasLimit(2)])).to.deep.equal([]);
    const errors = validate(graphqlSchema(), parse(aliased(4)), [aliasLimit(2)]);
    expect(errors.map((error) => [error.extensions.code, error.message])).to.deep.equal([
      ['TOO_MANY_ALIASES', 'the document has more than 2 aliases'],
    ]);
  });

  it('parseWithin answers QUERY_TOO_LARGE past the token budget, and leaves syntax errors as they are', () => {
    const parseSmall = parseWithin({ ...LIMITS, maxTokens: 10 });
    expect(() => parseSmall(`{ ${'tags '.repeat(20)}}`))
      .to.throw(GraphQLError, 'the document has more than 10 tokens')
      .with.property('extensions')
      .that.deep.equals({ code: 'QUERY_TOO_LARGE' });
    expect(() => parseSmall('{ tags'))
      .to.throw(GraphQLError, 'Syntax Error')
      .with.property('extensions')
      .that.deep.equals({});
  });
});

describe('codeOfStatus (extensions.code of a refusal)', () => {
  it('names the statuses the REST boundary answers with, and any other by its class', () => {
    expect([400, 401, 403, 404, 413, 422, 429, 503].map(codeOfStatus)).to.deep.equal([
      'BAD_REQUEST',
      'UNAUTHENTICATED',
      'FORBIDDEN',
      'NOT_FOUND',
      'PAYLOAD_TOO_LARGE',
      'BAD_USER_INPUT',
      'TOO_MANY_REQUESTS',
      'SERVICE_UNAVAILABLE',
    ]);
    expect([500, 502, 418, 409].map(codeOfStatus)).to.deep.equal([
      'INTERNAL_SERVER_ERROR',
      'INTERNAL_SERVER_ERROR',
      'BAD_REQUEST',
      'BAD_REQUEST',
    ]);
  });
});

describe('validInput (GraphQL arguments through the REST DTOs)', () => {
  it('drops what the DTO does not declare', async () => {
    const valid = await validInput(LoginUserRequest, { user: { email: 'a@b.co', password: 'pw', admin: true } });
    expect(valid.user).to.deep.equal({ email: 'a@b.co', password: 'pw' });
  });

  it("reports each field's first problem only", async () => {
    const refusal = await validInput(LoginUserRequest, { user: { email: 42, password: 'pw' } }).catch(
      (error: unknown) => error,
    );
    expect(refusal).to.have.property('name', 'Invalid');
    expect((refusal as { messages: string[] }).messages).to.have.length(1);
  });
});
