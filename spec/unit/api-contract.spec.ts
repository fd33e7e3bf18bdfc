import { expect } from 'chai';
import {
  checkResponse,
  ourContract,
  REALWORLD_CONTRACT_PATH,
  realWorldContract,
  takeContractViolations,
} from '../support/api-contracts';
import type { Exchange } from '../support/contract';

const profile = { username: 'alice', bio: null, image: null, following: false };
const article = {
  slug: 'hello-1',
  title: 'Hello',
  description: 'd',
  body: 'b',
  tagList: ['x'],
  createdAt: '2026-11-29T07:00:00.000Z',
  updatedAt: '2026-11-29T07:00:00.000Z',
  favorited: false,
  favoritesCount: 0,
  author: profile,
};

function exchange(fields: Partial<Exchange> & Pick<Exchange, 'method' | 'path' | 'status'>): Exchange {
  const json = fields.json;
  return {
    contentType: json === undefined ? '' : 'application/json; charset=utf-8',
    size: json === undefined ? 0 : JSON.stringify(json).length,
    json,
    ...fields,
  };
}

describe('API contract checks (what spec/support/api-contracts.ts does to every api() response)', () => {
  afterEach(() => takeContractViolations());

  describe('our generated OpenAPI document', () => {
    it('passes a documented status whose body matches its schema', () => {
      const ok = exchange({ method: 'GET', path: '/api/articles/hello-1', status: 200, json: { article } });
      expect(ourContract().check(ok)).to.deep.equal([]);
      const error = exchange({
        method: 'GET',
        path: '/api/articles/nope',
        status: 404,
        json: { errors: { body: ['x'] } },
      });
      expect(ourContract().check(error)).to.deep.equal([]);
    });

    it('fails a status the operation does not document', () => {
      const problems = ourContract().check(
        exchange({ method: 'GET', path: '/api/tags', status: 201, json: { tags: [] } }),
      );
      expect(problems).to.deep.equal(['GET /api/tags → 201: status 201 is not documented for GET /api/tags']);
    });

    it('fails a body that does not match the schema: a missing field, a wrong type, an extra field', () => {
      const { favoritesCount: _, ...withoutCount } = article;
      const cases = [
        { article: withoutCount },
        { article: { ...article, favorited: 'no' } },
        { article: { ...article, author: { ...profile, password: 'leaked' } } },
      ];
      for (const json of cases) {
        const problems = ourContract().check(
          exchange({ method: 'GET', path: '/api/articles/hello-1', status: 200, json }),
        );
        expect(problems, JSON.stringify(json)).to.have.length(1);
        expect(problems[0]).to.contain("body does not match GET /api/articles/{slug}'s 200 schema");
      }
    });

    it('fails an error body outside the RealWorld error shape', () => {
      const problems = ourContract().check(
        exchange({ method: 'GET', path: '/api/articles/nope', status: 404, json: { message: 'not found' } }),
      );
      expect(problems[0]).to.contain('body does not match');
    });

    it('fails a body on a status documented without one, and a 200 on a path the document lacks', () => {
      const deleted = exchange({ method: 'DELETE', path: '/api/articles/a', status: 204, json: { ok: true } });
      expect(ourContract().check(deleted)[0]).to.contain('documents no body for 204');
      const unknown = exchange({ method: 'GET', path: '/api/nothing-here', status: 200, json: {} });
      expect(ourContract().check(unknown)[0]).to.contain('not in the document, so 404');
      const wrongMethod = exchange({ method: 'PATCH', path: '/api/tags', status: 200, json: {} });
      expect(ourContract().check(wrongMethod)[0]).to.contain('not in the document, so 405');
    });

    it('maps a path to its template, literal paths first (/api/articles/feed is not a slug)', () => {
      const feed = exchange({ method: 'GET', path: '/api/articles/feed', status: 200, json: { article } });
      expect(ourContract().check(feed)[0]).to.contain('GET /api/articles/feed');
      const trailingSlash = exchange({ method: 'GET', path: '/api/tags/', status: 200, json: { tags: ['a'] } });
      expect(ourContract().check(trailingSlash)).to.deep.equal([]);
    });

    it('keeps what it finds for the root hooks, which fail the spec that received it', () => {
      checkResponse(exchange({ method: 'GET', path: '/api/tags', status: 418, json: { tags: [] } }));
      const problems = takeContractViolations();
      expect(problems).to.have.length.greaterThan(0);
      expect(problems[0]).to.match(/^OpenAPI \(ours\): GET \/api\/tags → 418/);
      expect(takeContractViolations()).to.deep.equal([]);
    });
  });

  describe('the RealWorld contract (../shared/realworld/openapi.yml)', () => {
    before(function () {
      if (!realWorldContract()) {
        console.log(`    skipped: ${REALWORLD_CONTRACT_PATH} is absent`);
        this.skip();
      }
    });

    it('passes our user body, null bio and image included', () => {
      const user = { email: 'a@example.com', token: 'x.y.z', username: 'alice', bio: null, image: null };
      const ok = exchange({ method: 'POST', path: '/api/users/login', status: 200, json: { user } });
      expect(realWorldContract()?.check(ok)).to.deep.equal([]);
    });

    it('fails a body missing what the contract requires (a user without token, an article without author)', () => {
      const user = { email: 'a@example.com', username: 'alice', bio: null, image: null };
      const login = exchange({ method: 'POST', path: '/api/users/login', status: 200, json: { user } });
      expect(realWorldContract()?.check(login)[0]).to.contain("must have required property 'token'");
      const { author: _, ...withoutAuthor } = article;
      const single = exchange({
        method: 'GET',
        path: '/api/articles/x',
        status: 200,
        json: { article: withoutAuthor },
      });
      expect(realWorldContract()?.check(single)[0]).to.contain("must have required property 'author'");
    });

    it('leaves alone statuses and paths it does not define (our 201 for a comment, /health)', () => {
      const comment = exchange({ method: 'POST', path: '/api/articles/x/comments', status: 201, json: {} });
      expect(realWorldContract()?.check(comment)).to.deep.equal([]);
      expect(
        realWorldContract()?.check(exchange({ method: 'GET', path: '/health', status: 200, json: {} })),
      ).to.deep.equal([]);
    });
  });
});
