import { expect } from 'chai';
import { slugify, uniqueSlug } from '../../src/modules/articles/slug';

const URL_SAFE_SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

describe('slugify', () => {
  it('lower-cases and hyphenates a Latin title', () => {
    expect(slugify('How to Train Your Dragon!')).to.equal('how-to-train-your-dragon');
    expect(slugify("  Don't   panic -- it's   fine  ")).to.equal('dont-panic-its-fine');
  });

  it('strips accents', () => {
    expect(slugify('Crème brûlée à São Paulo, Ærø Łódź Straße')).to.equal('creme-brulee-a-sao-paulo-aero-lodz-strasse');
  });

  it('romanises Korean titles', () => {
    expect(slugify('안녕하세요 세계')).to.equal('annyeonghaseyo-segye');
    expect(slugify('한국어 제목')).to.equal('hangukeo-jemok');
  });

  it('transliterates Cyrillic and Greek', () => {
    expect(slugify('Привет, мир')).to.equal('privet-mir');
    expect(slugify('Καλημέρα κόσμε')).to.equal('kalimera-kosme');
  });

  it('returns an empty string when nothing can be spelled in ASCII', () => {
    expect(slugify('!!! ??? ***')).to.equal('');
    expect(slugify('你好')).to.equal('');
    expect(slugify('')).to.equal('');
  });

  it('caps the length without a trailing hyphen', () => {
    const slug = slugify(`${'word '.repeat(40)}`);
    expect(slug.length).to.be.at.most(80);
    expect(slug).to.match(URL_SAFE_SLUG);
  });
});

describe('uniqueSlug', () => {
  it('appends a random suffix, so identical titles get different slugs', () => {
    const slugs = new Set(Array.from({ length: 200 }, () => uniqueSlug('Same title')));
    expect(slugs.size).to.equal(200);
    for (const slug of slugs) expect(slug).to.match(/^same-title-[a-z0-9]{6}$/);
  });

  it('falls back to "article" when the title has nothing to keep', () => {
    expect(uniqueSlug('你好')).to.match(/^article-[a-z0-9]{6}$/);
    expect(uniqueSlug('')).to.match(/^article-[a-z0-9]{6}$/);
  });

  it('is always URL-safe', () => {
    for (const title of ['Ünïcödé', '안녕', '<script>alert(1)</script>', '../../etc/passwd', '%00%2F', 'a/b?c#d']) {
      const slug = uniqueSlug(title);
      expect(slug).to.match(URL_SAFE_SLUG);
      expect(encodeURIComponent(slug)).to.equal(slug);
    }
  });
});
