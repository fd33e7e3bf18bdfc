import { expect } from 'chai';
import { getMetadataStorage, validate } from 'class-validator';
import { IsText, textProblem } from '../../src/validation/text-rules';

const SURROGATE = 'must be well-formed Unicode text (it has a lone surrogate)';
const ONE_LINE = 'must not contain line breaks, tabs or other control characters';
const MULTI_LINE = 'must not contain control characters other than line breaks and tabs';
const BIDI = 'must not contain bidirectional embedding, override or isolate characters (U+202A-U+202E, U+2066-U+2069)';

describe('textProblem (what text a field may carry)', () => {
  it('refuses a lone surrogate in every kind of field, passwords included', () => {
    for (const kind of ['single-line', 'multi-line', 'unicode-only'] as const) {
      expect(textProblem('a\ud800b', kind), kind).to.equal(SURROGATE);
    }
    expect(textProblem('emoji 😀', 'single-line'), 'a surrogate pair is text').to.equal(undefined);
  });

  it('lets a single-line field have no control character, line and paragraph separators included', () => {
    for (const text of ['a\tb', 'a\nb', 'a\u0007b', 'a\u2028b', 'a\u2029b', 'a\u0085b']) {
      expect(textProblem(text, 'single-line'), JSON.stringify(text)).to.equal(ONE_LINE);
    }
  });

  it('lets a multi-line field have line breaks and tabs, and no other control character', () => {
    for (const text of ['a\nb', 'a\r\nb', 'a\tb', 'a\u2028b']) {
      expect(textProblem(text, 'multi-line'), JSON.stringify(text)).to.equal(undefined);
    }
    expect(textProblem('a\u0007b', 'multi-line')).to.equal(MULTI_LINE);
    expect(textProblem('a\u001bb', 'multi-line')).to.equal(MULTI_LINE);
  });

  it('refuses bidirectional overrides in displayed text, keeps the marks mixed scripts need', () => {
    expect(textProblem('evil\u202Eexe.txt', 'single-line')).to.equal(BIDI);
    expect(textProblem('line\n\u2067isolate', 'multi-line')).to.equal(BIDI);
    expect(textProblem('שלום\u200F world \u200E', 'single-line')).to.equal(undefined);
  });

  it('checks a password for well-formedness only: it is never displayed', () => {
    for (const text of ['pass\tword', 'pass\u0007word', 'pass\u202Eword']) {
      expect(textProblem(text, 'unicode-only'), JSON.stringify(text)).to.equal(undefined);
    }
  });
});

describe('@IsText (the class-validator rule)', () => {
  class Tagged {
    tags!: unknown[];
  }

  class Named {
    name!: unknown;
  }

  // Decorated here and forgotten after: class-validator's registry is process-wide, and the
  // OpenAPI document (GET /openapi.json) lists every class in it.
  before(() => {
    IsText('single-line', { each: true })(Tagged.prototype, 'tags');
    IsText('single-line', { subject: 'the display name' })(Named.prototype, 'name');
  });
  after(() => {
    const registry = getMetadataStorage() as unknown as { validationMetadatas: Map<unknown, unknown> };
    registry.validationMetadatas.delete(Tagged);
    registry.validationMetadatas.delete(Named);
  });

  async function messagesOf(object: object): Promise<string[]> {
    return (await validate(object)).flatMap((error) => Object.values(error.constraints ?? {}));
  }

  it("names the first offending item's fault in a list, whatever comes before it", async () => {
    const tagged = Object.assign(new Tagged(), { tags: ['fine', 42, 'tab\there', 'evil\u202E'] });
    expect(await messagesOf(tagged)).to.deep.equal([`tags ${ONE_LINE}`]);
  });

  it('passes non-strings on to the type rules, and says who is at fault with its subject', async () => {
    expect(await messagesOf(Object.assign(new Tagged(), { tags: [1, null] }))).to.deep.equal([]);
    expect(await messagesOf(Object.assign(new Named(), { name: 'a\u2028b' }))).to.deep.equal([
      `the display name ${ONE_LINE}`,
    ]);
  });
});
