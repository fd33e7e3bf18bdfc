import { expect } from 'chai';
import { authHeader, createArticle, createUser, type UserFixture, uniqueUserInput } from '../support/factories';
import { errorCodes, graphql } from '../support/graphql';
import { api } from '../support/test-env';

describe('GraphQL mutations (POST /graphql)', () => {
  describe('register', () => {
    const REGISTER = 'mutation ($input: RegisterInput!) { register(input: $input) { email username token bio image } }';

    it('creates the account and returns it with a token that works on REST', async () => {
      const input = uniqueUserInput('gqlreg');
      const { body } = await graphql(REGISTER, { input }).expect(200);
      expect(body.data.register).to.include({ email: input.email, username: input.username, bio: null });
      await api().get('/api/user').set(authHeader(body.data.register)).expect(200);
    });

    it('is BAD_USER_INPUT with every field message for invalid input', async () => {
      const { body } = await graphql(REGISTER, {
        input: { username: 'bad name!', email: 'not-an-email', password: 'short' },
      }).expect(200);
      expect(errorCodes(body)).to.deep.equal(['BAD_USER_INPUT']);
      expect(body.errors[0].extensions.messages).to.have.members([
        'username may contain only letters, digits, "_", "." and "-"',
        'email must be an email address',
        'password must be longer than or equal to 8 characters',
      ]);
    });

    it('is BAD_USER_INPUT for a taken username', async () => {
      const existing = await createUser();
      const { body } = await graphql(REGISTER, {
        input: { ...uniqueUserInput('gqltaken'), username: existing.user.username },
      }).expect(200);
      expect(errorCodes(body)).to.deep.equal(['BAD_USER_INPUT']);
      expect(body.errors[0].message).to.equal('username has already been taken');
    });
  });

  describe('login', () => {
    const LOGIN = 'mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { username token } }';

    it('returns the user with a token', async () => {
      const fixture = await createUser();
      const { body } = await graphql(LOGIN, { e: fixture.user.email, p: fixture.password }).expect(200);
      expect(body.data.login.username).to.equal(fixture.user.username);
    });

    it('is UNAUTHENTICATED for a wrong password', async () => {
      const fixture = await createUser();
      const { body } = await graphql(LOGIN, { e: fixture.user.email, p: 'wrong password' }).expect(200);
      expect(errorCodes(body)).to.deep.equal(['UNAUTHENTICATED']);
      expect(body.errors[0].message).to.equal('email or password is invalid');
    });
  });

  describe('updateMe', () => {
    const UPDATE = 'mutation ($input: UpdateUserInput!) { updateMe(input: $input) { username bio image } }';

    it('changes the given fields', async () => {
      const fixture = await createUser();
      const { body } = await graphql(UPDATE, { input: { bio: 'GraphQL bio' } }, fixture.token).expect(200);
      expect(body.data.updateMe).to.deep.equal({ username: fixture.user.username, bio: 'GraphQL bio', image: null });
    });

    it('is BAD_USER_INPUT for an image that is not an http(s) URL', async () => {
      const fixture = await createUser();
      const { body } = await graphql(UPDATE, { input: { image: 'javascript:alert(1)' } }, fixture.token).expect(200);
      expect(errorCodes(body)).to.deep.equal(['BAD_USER_INPUT']);
      expect(body.errors[0].extensions.messages).to.deep.equal(['image must be an http(s) URL']);
    });

    it('is UNAUTHENTICATED anonymously', async () => {
      const { body } = await graphql(UPDATE, { input: { bio: 'x' } }).expect(200);
      expect(errorCodes(body)).to.deep.equal(['UNAUTHENTICATED']);
    });
  });

  describe('articles', () => {
    let author: UserFixture;
    let other: UserFixture;

    before(async () => {
      author = await createUser();
      other = await createUser();
    });

    const CREATE =
      'mutation ($input: NewArticleInput!) { createArticle(input: $input) { slug title body tagList author { username } } }';

    it('createArticle creates it with normalized tags', async () => {
      const { body } = await graphql(
        CREATE,
        { input: { title: 'From GraphQL', description: 'd', body: 'b', tagList: ['Zeta', 'alpha', 'zeta'] } },
        author.token,
      ).expect(200);
      expect(body.data.createArticle).to.include({ title: 'From GraphQL', body: 'b' });
      expect(body.data.createArticle.tagList).to.deep.equal(['alpha', 'zeta']);
      await api().get(`/api/articles/${body.data.createArticle.slug}`).expect(200);
    });

    it('createArticle is BAD_USER_INPUT for a blank title, UNAUTHENTICATED anonymously', async () => {
      const blank = await graphql(CREATE, { input: { title: '  ', description: 'd', body: 'b' } }, author.token);
      expect(errorCodes(blank.body)).to.deep.equal(['BAD_USER_INPUT']);
      expect(blank.body.errors[0].extensions.messages).to.deep.equal(['title must not be blank']);
      const anonymous = await graphql(CREATE, { input: { title: 't', description: 'd', body: 'b' } });
      expect(errorCodes(anonymous.body)).to.deep.equal(['UNAUTHENTICATED']);
    });

    it('updateArticle changes the article; FORBIDDEN for another user, NOT_FOUND for no article', async () => {
      const article = await createArticle(author.user);
      const UPDATE = 'mutation ($s: String!, $i: UpdateArticleInput!) { updateArticle(slug: $s, input: $i) { body } }';
      const updated = await graphql(UPDATE, { s: article.slug, i: { body: 'new body' } }, author.token).expect(200);
      expect(updated.body.data.updateArticle).to.deep.equal({ body: 'new body' });
      const forbidden = await graphql(UPDATE, { s: article.slug, i: { body: 'x' } }, other.token).expect(200);
      expect(errorCodes(forbidden.body)).to.deep.equal(['FORBIDDEN']);
      const missing = await graphql(UPDATE, { s: 'no-such-article', i: { body: 'x' } }, author.token).expect(200);
      expect(errorCodes(missing.body)).to.deep.equal(['NOT_FOUND']);
      const invalid = await graphql(UPDATE, { s: article.slug, i: { title: '' } }, author.token).expect(200);
      expect(errorCodes(invalid.body)).to.deep.equal(['BAD_USER_INPUT']);
    });

    it('deleteArticle deletes it; FORBIDDEN for another user', async () => {
      const article = await createArticle(author.user);
      const DELETE = 'mutation ($s: String!) { deleteArticle(slug: $s) }';
      const forbidden = await graphql(DELETE, { s: article.slug }, other.token).expect(200);
      expect(errorCodes(forbidden.body)).to.deep.equal(['FORBIDDEN']);
      const { body } = await graphql(DELETE, { s: article.slug }, author.token).expect(200);
      expect(body.data).to.deep.equal({ deleteArticle: true });
      await api().get(`/api/articles/${article.slug}`).expect(404);
    });

    it('favoriteArticle and unfavoriteArticle are idempotent; NOT_FOUND for no article', async () => {
      const article = await createArticle(author.user);
      const FAVORITE = 'mutation ($s: String!) { favoriteArticle(slug: $s) { favorited favoritesCount } }';
      const UNFAVORITE = 'mutation ($s: String!) { unfavoriteArticle(slug: $s) { favorited favoritesCount } }';
      for (let i = 0; i < 2; i += 1) {
        const { body } = await graphql(FAVORITE, { s: article.slug }, other.token).expect(200);
        expect(body.data.favoriteArticle).to.deep.equal({ favorited: true, favoritesCount: 1 });
      }
      const { body } = await graphql(UNFAVORITE, { s: article.slug }, other.token).expect(200);
      expect(body.data.unfavoriteArticle).to.deep.equal({ favorited: false, favoritesCount: 0 });
      const missing = await graphql(FAVORITE, { s: 'no-such-article' }, other.token).expect(200);
      expect(errorCodes(missing.body)).to.deep.equal(['NOT_FOUND']);
    });
  });

  describe('comments', () => {
    it('addComment and deleteComment; FORBIDDEN for another user, NOT_FOUND for no comment', async () => {
      const author = await createUser();
      const commenter = await createUser();
      const article = await createArticle(author.user);
      const ADD =
        'mutation ($s: String!, $b: String!) { addComment(slug: $s, body: $b) { id body author { username } } }';
      const DELETE = 'mutation ($s: String!, $id: Int!) { deleteComment(slug: $s, id: $id) }';
      const added = await graphql(ADD, { s: article.slug, b: 'nice' }, commenter.token).expect(200);
      expect(added.body.data.addComment).to.include({ body: 'nice' });
      const { id } = added.body.data.addComment;
      const blank = await graphql(ADD, { s: article.slug, b: ' ' }, commenter.token).expect(200);
      expect(errorCodes(blank.body)).to.deep.equal(['BAD_USER_INPUT']);
      const nowhere = await graphql(ADD, { s: 'no-such-article', b: 'x' }, commenter.token).expect(200);
      expect(errorCodes(nowhere.body)).to.deep.equal(['NOT_FOUND']);
      const forbidden = await graphql(DELETE, { s: article.slug, id }, author.token).expect(200);
      expect(errorCodes(forbidden.body)).to.deep.equal(['FORBIDDEN']);
      const deleted = await graphql(DELETE, { s: article.slug, id }, commenter.token).expect(200);
      expect(deleted.body.data).to.deep.equal({ deleteComment: true });
      const again = await graphql(DELETE, { s: article.slug, id }, commenter.token).expect(200);
      expect(errorCodes(again.body)).to.deep.equal(['NOT_FOUND']);
    });
  });

  describe('follow / unfollow', () => {
    it('follows and unfollows; BAD_USER_INPUT for yourself, NOT_FOUND for nobody', async () => {
      const follower = await createUser();
      const followee = await createUser();
      const FOLLOW = 'mutation ($u: String!) { follow(username: $u) { username following } }';
      const UNFOLLOW = 'mutation ($u: String!) { unfollow(username: $u) { following } }';
      const followed = await graphql(FOLLOW, { u: followee.user.username }, follower.token).expect(200);
      expect(followed.body.data.follow).to.deep.equal({ username: followee.user.username, following: true });
      const unfollowed = await graphql(UNFOLLOW, { u: followee.user.username }, follower.token).expect(200);
      expect(unfollowed.body.data.unfollow).to.deep.equal({ following: false });
      const self = await graphql(FOLLOW, { u: follower.user.username }, follower.token).expect(200);
      expect(errorCodes(self.body)).to.deep.equal(['BAD_USER_INPUT']);
      expect(self.body.errors[0].message).to.equal('you cannot follow yourself');
      const nobody = await graphql(FOLLOW, { u: 'nobody-at-all-here' }, follower.token).expect(200);
      expect(errorCodes(nobody.body)).to.deep.equal(['NOT_FOUND']);
      const anonymous = await graphql(FOLLOW, { u: followee.user.username }).expect(200);
      expect(errorCodes(anonymous.body)).to.deep.equal(['UNAUTHENTICATED']);
    });
  });
});
