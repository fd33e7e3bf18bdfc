import { expect } from 'chai';
import { authHeader, createArticle, createUser } from '../support/factories';
import { api } from '../support/test-env';

// Routes where a token is optional still refuse a bad one: a client whose session expired learns
// it, instead of silently seeing the anonymous view.
describe('Routes with optional auth', () => {
  it('answer 200 without a token and with a valid one, 401 with an invalid one', async () => {
    const author = await createUser();
    const reader = await createUser();
    const article = await createArticle(author.user);
    const paths = [
      '/api/articles',
      `/api/articles/${article.slug}`,
      `/api/articles/${article.slug}/comments`,
      `/api/profiles/${author.user.username}`,
    ];
    for (const path of paths) {
      await api().get(path).expect(200);
      await api().get(path).set(authHeader(reader)).expect(200);
      const response = await api().get(path).set('Authorization', 'Token not.a.token');
      expect(response.status, path).to.equal(401);
      expect(response.body, path).to.deep.equal({ errors: { body: ['missing or invalid authorization token'] } });
    }
  });
});
