import { expect } from 'chai';
import { usernameKey } from '../../src/modules/users/username-key';

describe('usernameKey', () => {
  it('folds case, width, composition and Cyrillic/Greek look-alikes onto one key', () => {
    const spellings = [
      'admin',
      'Admin',
      'ADMIN',
      '\uff21\uff24\uff2d\uff29\uff2e', // full-width ＡＤＭＩＮ
      '\u0430dmin', // Cyrillic а
      '\u0410DMIN', // Cyrillic А
      '\u03b1dm\u03b9n', // Greek α and ι
      '\u0391DMIN', // Greek Α
      'adm\u0456n', // Cyrillic і
    ];
    for (const spelling of spellings) expect(usernameKey(spelling), spelling).to.equal('admin');
  });

  it('gives composed and decomposed accents, and ß and ss, one key', () => {
    expect(usernameKey('jos\u00e9')).to.equal(usernameKey('jose\u0301'));
    expect(usernameKey('JOS\u00c9')).to.equal(usernameKey('jos\u00e9'));
    expect(usernameKey('stra\u00dfe')).to.equal(usernameKey('STRASSE'));
  });

  it('keeps names apart that differ in more than drawing: digits, punctuation, other letters', () => {
    const distinct = [
      'bob1',
      'bobl',
      'bob0',
      'bobo',
      'bob_x',
      'bob.x',
      'bob-x',
      'jose',
      'jos\u00e9',
      '\u043d\u0438\u043a',
    ];
    expect(new Set(distinct.map(usernameKey)).size).to.equal(distinct.length);
  });

  it('ignores case in every script, and leaves letters without a Latin likeness as they are', () => {
    expect(usernameKey('\u0418\u0412\u0410\u041d')).to.equal(usernameKey('\u0418\u0432\u0430\u043d')); // ИВАН, Иван
    expect(usernameKey('\u0416\u0418\u0412')).to.match(/^\u0436\u0438/); // Ж and И have no Latin twin
    expect(usernameKey('\u5c71\u7530')).to.equal('\u5c71\u7530'); // 山田
  });
});
