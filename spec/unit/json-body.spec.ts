import { expect } from 'chai';
import Koa from 'koa';
import supertest from 'supertest';
import { ApiError } from '../../src/http/errors';
import { bodyReadError, jsonBody, MAX_VALUES_PER_BODY } from '../../src/http/json-body';

/** The reader alone: answers the body it produced, or the status and messages of its refusal. */
function reader() {
  const app = new Koa();
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      ctx.status = error.httpCode;
      ctx.body = { refused: error.messages };
    }
  });
  app.use(jsonBody('1mb'));
  app.use((ctx) => {
    ctx.body = { body: ctx.request.body };
  });
  return supertest(app.callback());
}

const post = (text: string, type = 'application/json') => reader().post('/').set('content-type', type).send(text);

/**
 * Refused on the text alone (422), never handed to JSON.parse: the limits exist so that a hostile
 * body costs a scan, not an object (inspectBody would refuse it after parsing too, more dearly).
 */
async function refusedUnparsed(text: string) {
  const parse = JSON.parse;
  const parsed: string[] = [];
  JSON.parse = function spy(this: JSON, source: string, ...rest: unknown[]) {
    parsed.push(source);
    return parse.call(this, source, ...(rest as []));
  } as typeof JSON.parse;
  try {
    const response = await post(text).expect(422);
    expect(parsed.includes(text), 'the text reached JSON.parse').to.equal(false);
    return response;
  } finally {
    JSON.parse = parse;
  }
}

/**
 * A body of exactly `values` values as the limit counts them (the root object, each key, each
 * array item; an empty array is none), with `before` (holding `valuesBefore` of them) placed ahead
 * of the counted array.
 */
function bodyOf(values: number, before = '', valuesBefore = 0) {
  const items = values - 1 - valuesBefore - 1; // the root, what comes before, the key "n"
  return `{${before}"n":[${Array.from({ length: items }, () => '0').join(',')}]}`;
}

describe('the JSON body reader', () => {
  describe(`the ${MAX_VALUES_PER_BODY}-value limit, counted on the text`, () => {
    it('accepts exactly the limit and refuses one more (422)', async () => {
      await post(bodyOf(MAX_VALUES_PER_BODY)).expect(200);
      const refused = await refusedUnparsed(bodyOf(MAX_VALUES_PER_BODY + 1));
      expect(refused.body).to.deep.equal({ refused: [`request body has more than ${MAX_VALUES_PER_BODY} values`] });
    });

    it('counts no value for an empty array, with or without JSON white space inside', async () => {
      const empties = '"e1":[],"e2":[ \t\n\r],';
      await post(bodyOf(MAX_VALUES_PER_BODY, empties, 2)).expect(200);
      await refusedUnparsed(bodyOf(MAX_VALUES_PER_BODY + 1, empties, 2));
    });

    it('ends a string at a quote after an escaped backslash (the array after it is counted)', async () => {
      const endsInBackslash = String.raw`"s":"x\\",`;
      await post(bodyOf(MAX_VALUES_PER_BODY, endsInBackslash, 1)).expect(200);
      await refusedUnparsed(bodyOf(MAX_VALUES_PER_BODY + 1, endsInBackslash, 1));
    });

    it('counts a one-item array once, and nothing inside strings (escaped quotes and backslashes)', async () => {
      const strings = String.raw`"s1":"a\\","s2":"b\"[1,2]\"","one":[7],`;
      // Three keys, and the one item of [7].
      await post(bodyOf(MAX_VALUES_PER_BODY, strings, 4)).expect(200);
      await refusedUnparsed(bodyOf(MAX_VALUES_PER_BODY + 1, strings, 4));
    });
  });

  it('reads an empty JSON body as {}, and gives other media types {} without reading them as JSON', async () => {
    expect((await post('').expect(200)).body).to.deep.equal({ body: {} });
    expect((await post('{"a":1}', 'text/plain').expect(200)).body).to.deep.equal({ body: {} });
    expect((await post('{"a":1}', 'application/vnd.api+json').expect(200)).body).to.deep.equal({ body: { a: 1 } });
  });

  it('refuses text that is not JSON, or not an object, in words', async () => {
    for (const text of ['{"a":}', '"text"', '42']) {
      const refused = await post(text).expect(400);
      expect(refused.body, text).to.deep.equal({ refused: ['request body is not valid JSON'] });
    }
    const array = await post('[1]').expect(422);
    expect(array.body).to.deep.equal({ refused: ['request body must be a JSON object'] });
  });
});

describe('bodyReadError: what a failure to read a body is answered with', () => {
  const cases: [string, unknown, number, string][] = [
    ['a body over the limit (by type)', { type: 'entity.too.large' }, 413, 'request body is larger than 1mb'],
    ['a body over the limit (by status)', { status: 413 }, 413, 'request body is larger than 1mb'],
    ['an unknown encoding (by type)', { type: 'encoding.unsupported' }, 415, 'content-encoding is not supported'],
    ['an unknown encoding (by status)', { status: 415 }, 415, 'content-encoding is not supported'],
    ['malformed JSON', new SyntaxError('Unexpected token'), 400, 'request body is not valid JSON'],
    ['a corrupt stream, or anything else', new Error('unexpected end of file'), 400, 'request body could not be read'],
  ];
  for (const [what, error, status, message] of cases) {
    it(`${what}: ${status} "${message}"`, () => {
      const answer = bodyReadError(error, '1mb');
      expect([answer.httpCode, answer.messages]).to.deep.equal([status, [message]]);
    });
  }
});
