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

  // Revised Romanisation, jamo by jamo: each initial (with ㅏ), each medial (after ㄱ), each
  // final (on 가), one syllable per word, in lines that stay under the 80-character cap.
  it('romanises every Hangul initial, medial and final', () => {
    const romanised = (syllables: string) => slugify(syllables).split('-');
    expect(romanised('가 까 나 다 따 라 마 바 빠 사 싸 아 자 짜 차 카 타 파 하')).to.deep.equal([
      'ga',
      'kka',
      'na',
      'da',
      'tta',
      'ra',
      'ma',
      'ba',
      'ppa',
      'sa',
      'ssa',
      'a',
      'ja',
      'jja',
      'cha',
      'ka',
      'ta',
      'pa',
      'ha',
    ]);
    expect(romanised('가 개 갸 걔 거 게 겨 계 고 과 괘')).to.deep.equal([
      'ga',
      'gae',
      'gya',
      'gyae',
      'geo',
      'ge',
      'gyeo',
      'gye',
      'go',
      'gwa',
      'gwae',
    ]);
    expect(romanised('괴 교 구 궈 궤 귀 규 그 긔 기')).to.deep.equal([
      'goe',
      'gyo',
      'gu',
      'gwo',
      'gwe',
      'gwi',
      'gyu',
      'geu',
      'gui',
      'gi',
    ]);
    expect(romanised('각 갂 갃 간 갅 갆 갇 갈 갉 갊 갋 갌 갍 갎')).to.deep.equal([
      'gak',
      'gak',
      'gaks',
      'gan',
      'ganj',
      'ganh',
      'gat',
      'gal',
      'galk',
      'galm',
      'galb',
      'gals',
      'galt',
      'galp',
    ]);
    expect(romanised('갏 감 갑 값 갓 갔 강 갖 갗 갘 같 갚 갛')).to.deep.equal([
      'galh',
      'gam',
      'gap',
      'gaps',
      'gat',
      'gat',
      'gang',
      'gat',
      'gat',
      'gak',
      'gat',
      'gap',
      'gah',
    ]);
  });

  it('romanises only the Hangul syllable block: its first and last syllables, nothing on either side', () => {
    expect(slugify('가 힣')).to.equal('ga-hih');
    // U+ABFF just before the block, U+D7B0 (Hangul Jamo Extended-B) just after, an emoji far after.
    expect(slugify('a \uabff b \ud7b0 c 😀 d')).to.equal('a-b-c-d');
  });

  it('transliterates every Cyrillic letter, upper case too; the hard and soft signs vanish', () => {
    expect(slugify('а б в г д е ё ж з и й к л м н о п р с т у ф х')).to.equal(
      'a-b-v-g-d-e-e-zh-z-i-y-k-l-m-n-o-p-r-s-t-u-f-kh',
    );
    expect(slugify('ц ч ш щ ы э ю я і ї є ґ')).to.equal('ts-ch-sh-shch-y-e-yu-ya-i-yi-ye-g');
    expect(slugify('ОБЪЯВЛЕНИЕ Тверь')).to.equal('obyavlenie-tver');
  });

  it('transliterates every Greek letter, accented or upper case too', () => {
    expect(slugify('α β γ δ ε ζ η θ ι κ λ μ ν ξ ο π ρ σ ς τ υ φ χ ψ ω')).to.equal(
      'a-v-g-d-e-z-i-th-i-k-l-m-n-x-o-p-r-s-s-t-y-f-ch-ps-o',
    );
    expect(slugify('ΑΘΗΝΑ Ώρα')).to.equal('athina-ora');
  });

  it('spells the Latin letters that have no accent to strip, upper case too', () => {
    expect(slugify('æ ø œ ß đ ł þ ð ı')).to.equal('ae-o-oe-ss-d-l-th-d-i');
    expect(slugify('Æ Ø Œ Đ Ł Þ Ð')).to.equal('ae-o-oe-d-l-th-d');
  });

  it('drops apostrophes, straight and typographic, inside words', () => {
    expect(slugify('It’s the reader’s choice')).to.equal('its-the-readers-choice');
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
    // 16 words fill 80 characters with a hyphen last; it goes, not the word before it.
    expect(slug).to.equal(`${'word-'.repeat(15)}word`);
    expect(slugify('a'.repeat(100))).to.equal('a'.repeat(80));
    expect(slugify(`--${'b'.repeat(79)}-c`)).to.equal('b'.repeat(79));
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
