import { expect } from 'chai';
import { commentsMail, escapeHtml, welcomeMail } from '../../src/modules/notifications/templates';

describe('mail templates', () => {
  it('escapes &, <, >, " and \' for HTML', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).to.equal(
      '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('welcome mail: to the new account, in plain text and HTML', () => {
    const mail = welcomeMail({ email: 'ann@example.com', username: 'ann' });
    expect(mail).to.include({ to: 'ann@example.com', subject: 'Welcome to Conduit' });
    expect(mail.text).to.include('Hello ann,');
    expect(mail.html).to.include('<p>Hello ann,</p>');
  });

  it('comment mail: one comment names its writer in the subject; user content is escaped in HTML only', () => {
    const mail = commentsMail({
      author: { email: 'ann@example.com', username: 'ann' },
      article: { title: 'Tom & <Jerry>', slug: 'tom-jerry-abc123' },
      comments: [{ username: 'bob', body: '<img src=x onerror=alert(1)>\nsecond line' }],
    });
    expect(mail.subject).to.equal('bob commented on "Tom & <Jerry>"');
    expect(mail.text).to.include('bob wrote:\n<img src=x onerror=alert(1)>\nsecond line');
    expect(mail.html).to.include('&lt;img src=x onerror=alert(1)&gt;<br>second line');
    expect(mail.html).to.include('<title>bob commented on &quot;Tom &amp; &lt;Jerry&gt;&quot;</title>');
    expect(mail.html).to.not.include('<img');
    expect(mail.text).to.include('emailNotifications":false');
  });

  it('comment mail: several comments are counted in the subject', () => {
    const mail = commentsMail({
      author: { email: 'ann@example.com', username: 'ann' },
      article: { title: 'T', slug: 't-1' },
      comments: [
        { username: 'bob', body: 'one' },
        { username: 'cy', body: 'two' },
      ],
    });
    expect(mail.subject).to.equal('2 new comments on "T"');
  });

  it('comment mail, whole: a greeting, each comment under its writer, how to stop them, the signature', () => {
    const mail = commentsMail({
      author: { email: 'ann@example.com', username: 'ann' },
      article: { title: 'T', slug: 't-1' },
      comments: [
        { username: 'bob', body: 'one' },
        { username: 'cy', body: 'two\nlines' },
      ],
    });
    const stop = 'To stop them: PUT /api/user {"user":{"emailNotifications":false}}.';
    expect(mail.text.split('\n')).to.deep.equal([
      'Hello ann,',
      '',
      'new comments on your article "T" (t-1):',
      '',
      'bob wrote:',
      'one',
      '',
      'cy wrote:',
      'two',
      'lines',
      '',
      `You get these mails because you wrote the article. ${stop}`,
      '',
      '— Conduit',
      '',
    ]);
    expect(mail.html).to.equal(
      '<!doctype html><html><head><meta charset="utf-8"><title>2 new comments on &quot;T&quot;</title></head><body>' +
        '<p>Hello ann,</p><p>new comments on your article <strong>T</strong> (t-1):</p>' +
        '<blockquote><p><strong>bob</strong> wrote:</p><p>one</p></blockquote>' +
        '<blockquote><p><strong>cy</strong> wrote:</p><p>two<br>lines</p></blockquote>' +
        '<p><small>You get these mails because you wrote the article. To stop them: PUT /api/user ' +
        '{&quot;user&quot;:{&quot;emailNotifications&quot;:false}}.</small></p><p>— Conduit</p></body></html>',
    );
  });
});
