import { expect } from 'chai';
import { SEARCH_MAX_WORDS, searchTsQuery } from '../../src/modules/articles/search-query';

describe('searchTsQuery', () => {
  it('joins the words with AND and makes the last one a prefix', () => {
    expect(searchTsQuery('running fast')).to.equal("'running' & 'fast':*");
    expect(searchTsQuery('searc')).to.equal("'searc':*");
  });

  it('keeps the last word whole when the text ends after it (a space or punctuation)', () => {
    expect(searchTsQuery('running fast ')).to.equal("'running' & 'fast'");
    expect(searchTsQuery('search!')).to.equal("'search'");
  });

  it('splits on anything that is not a letter, mark or digit, in any script', () => {
    expect(searchTsQuery("state-of-the-art, don't")).to.equal("'state' & 'of' & 'the' & 'art' & 'don' & 't':*");
    expect(searchTsQuery('안녕하세요 세계')).to.equal("'안녕하세요' & '세계':*");
    expect(searchTsQuery('Crème brûlée v2')).to.equal("'Crème' & 'brûlée' & 'v2':*");
    expect(searchTsQuery('Привет мир')).to.equal("'Привет' & 'мир':*");
  });

  it('composes decomposed accents (NFC), as stored text usually is', () => {
    expect(searchTsQuery('cre\u0300me')).to.equal("'crème':*");
  });

  it('is undefined for empty, blank or punctuation-only text: no search filter', () => {
    for (const text of ['', '   ', '!!!', "'&|!:*\\", '()<->', '_-_']) {
      expect(searchTsQuery(text), JSON.stringify(text)).to.equal(undefined);
    }
  });

  it(`keeps at most ${SEARCH_MAX_WORDS} words`, () => {
    const words = Array.from({ length: SEARCH_MAX_WORDS + 5 }, (_, i) => `w${i}`);
    const query = searchTsQuery(words.join(' '));
    expect(query?.split(' & ')).to.have.length(SEARCH_MAX_WORDS);
    expect(query).to.match(new RegExp(`'w${SEARCH_MAX_WORDS - 1}'$`));
  });

  describe('never lets tsquery syntax through', () => {
    // Every operator character of to_tsquery: quotes, &, |, !, <->, :*, :AB weights, parentheses, backslash.
    const hostile = [
      "'",
      "o'reilly",
      "a' | 'b",
      'a & b',
      'a | b',
      '!a',
      'a <-> b',
      'a <2> b',
      'a:*',
      'a:AB',
      '(a | b) & !c',
      'a\\',
      "\\'; drop table articles; --",
      '\u0000a',
      'x'.repeat(10_000),
    ];
    for (const text of hostile) {
      it(JSON.stringify(text.length > 40 ? `${text.slice(0, 20)}… (${text.length})` : text), () => {
        const query = searchTsQuery(text);
        if (query === undefined) return;
        // Only quoted words of letters, marks and digits, joined by " & ", the last maybe a prefix.
        expect(query).to.match(/^'[\p{L}\p{M}\p{N}]+'(?: & '[\p{L}\p{M}\p{N}]+')*(?::\*)?$/u);
      });
    }
  });
});
