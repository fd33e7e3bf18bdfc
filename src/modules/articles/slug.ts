import { randomBytes } from 'node:crypto';

/**
 * Slugs: lower-case ASCII letters, digits and hyphens, so they are safe in any URL without
 * percent-encoding, derived from the title and made unique by a random suffix. The suffix means
 * two articles with the same title never collide and no uniqueness check query is needed; the
 * unique index is the backstop.
 *
 * Titles in other scripts keep their meaning where we can spell them in ASCII: Latin letters lose
 * their accents, Hangul is romanised (Revised Romanisation, syllable by syllable), Cyrillic and
 * Greek are transliterated. Anything else is dropped, and an empty result becomes "article".
 */

const MAX_BASE_LENGTH = 80;
const SUFFIX_LENGTH = 6;
const SUFFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export function slugify(title: string): string {
  const ascii = transliterate(title.normalize('NFKC'))
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    // The line above leaves no two hyphens in a row: one may start the text, one may end it.
    .replace(/^-|-$/g, '');
  return ascii.slice(0, MAX_BASE_LENGTH).replace(/-$/, '');
}

export function uniqueSlug(title: string): string {
  return `${slugify(title) || 'article'}-${randomSuffix()}`;
}

function randomSuffix(): string {
  const bytes = randomBytes(SUFFIX_LENGTH);
  let suffix = '';
  for (const byte of bytes) suffix += SUFFIX_ALPHABET[byte % SUFFIX_ALPHABET.length];
  return suffix;
}

// Hangul syllables are arithmetic: 0xAC00 + (initial * 21 + medial) * 28 + final.
const HANGUL_FIRST = 0xac00;
const HANGUL_LAST = 0xd7a3;
const INITIALS = ['g', 'kk', 'n', 'd', 'tt', 'r', 'm', 'b', 'pp', 's', 'ss', '', 'j', 'jj', 'ch', 'k', 't', 'p', 'h'];
const MEDIALS = [
  'a',
  'ae',
  'ya',
  'yae',
  'eo',
  'e',
  'yeo',
  'ye',
  'o',
  'wa',
  'wae',
  'oe',
  'yo',
  'u',
  'wo',
  'we',
  'wi',
  'yu',
  'eu',
  'ui',
  'i',
];
const FINALS = [
  '',
  'k',
  'k',
  'ks',
  'n',
  'nj',
  'nh',
  't',
  'l',
  'lk',
  'lm',
  'lb',
  'ls',
  'lt',
  'lp',
  'lh',
  'm',
  'p',
  'ps',
  't',
  't',
  'ng',
  't',
  't',
  'k',
  't',
  'p',
  'h',
];

// Latin letters that do not decompose into a base letter plus accents.
const LATIN_EXTRA: Record<string, string> = {
  æ: 'ae',
  ø: 'o',
  œ: 'oe',
  ß: 'ss',
  đ: 'd',
  ł: 'l',
  þ: 'th',
  ð: 'd',
  ı: 'i',
};

const CYRILLIC: Record<string, string> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ё: 'e',
  ж: 'zh',
  з: 'z',
  и: 'i',
  й: 'y',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'kh',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'shch',
  ъ: '',
  ы: 'y',
  ь: '',
  э: 'e',
  ю: 'yu',
  я: 'ya',
  і: 'i',
  ї: 'yi',
  є: 'ye',
  ґ: 'g',
};

const GREEK: Record<string, string> = {
  α: 'a',
  β: 'v',
  γ: 'g',
  δ: 'd',
  ε: 'e',
  ζ: 'z',
  η: 'i',
  θ: 'th',
  ι: 'i',
  κ: 'k',
  λ: 'l',
  μ: 'm',
  ν: 'n',
  ξ: 'x',
  ο: 'o',
  π: 'p',
  ρ: 'r',
  σ: 's',
  ς: 's',
  τ: 't',
  υ: 'y',
  φ: 'f',
  χ: 'ch',
  ψ: 'ps',
  ω: 'o',
};

function transliterate(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code >= HANGUL_FIRST && code <= HANGUL_LAST) {
      const index = code - HANGUL_FIRST;
      out += INITIALS[Math.floor(index / 588)] + MEDIALS[Math.floor((index % 588) / 28)] + FINALS[index % 28];
      continue;
    }
    const lower = char.toLowerCase();
    // Accented Greek letters decompose first, so their base letter is found.
    const base = lower.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    out += LATIN_EXTRA[lower] ?? CYRILLIC[lower] ?? GREEK[base] ?? char;
  }
  return out;
}
