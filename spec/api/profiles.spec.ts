import { expect } from 'chai';
import { authHeader, createUser } from '../support/factories';
import { api } from '../support/test-env';

describe('GET /api/profiles/:username', () => {
  it('returns 200 with the profile, following false, to an anonymous caller', async () => {
    const { user } = await createUser({ bio: 'hello', image: 'https://example.com/a.png' });
    const response = await api().get(`/api/profiles/${user.username}`).expect(200);
    expect(response.body).to.deep.equal({
      profile: { username: user.username, bio: 'hello', image: 'https://example.com/a.png', following: false },
    });
  });

  it('shows following true to a follower', async () => {
    const celeb = await createUser();
    const fan = await createUser();
    await api().post(`/api/profiles/${celeb.user.username}/follow`).set(authHeader(fan)).expect(200);
    const response = await api().get(`/api/profiles/${celeb.user.username}`).set(authHeader(fan)).expect(200);
    expect(response.body.profile.following).to.equal(true);
  });

  it('returns 404 for an unknown username', async () => {
    const response = await api().get('/api/profiles/nobody-at-all-here').expect(404);
    expect(response.body).to.deep.equal({ errors: { body: ['profile not found'] } });
  });

  it('returns 401 when a bad token is sent', async () => {
    const { user } = await createUser();
    await api().get(`/api/profiles/${user.username}`).set('Authorization', 'Token a.b.c').expect(401);
  });

  it('finds usernames with non-Latin letters', async () => {
    const { user } = await createUser({ username: `김민수_${Date.now()}` });
    const response = await api()
      .get(`/api/profiles/${encodeURIComponent(user.username)}`)
      .expect(200);
    expect(response.body.profile.username).to.equal(user.username);
  });
});

describe('POST /api/profiles/:username/follow', () => {
  it('returns 200 with following true, and is idempotent', async () => {
    const celeb = await createUser();
    const fan = await createUser();
    for (const _ of [1, 2]) {
      const response = await api().post(`/api/profiles/${celeb.user.username}/follow`).set(authHeader(fan)).expect(200);
      expect(response.body.profile).to.include({ username: celeb.user.username, following: true });
    }
  });

  it('returns 422 when following yourself', async () => {
    const me = await createUser();
    const response = await api().post(`/api/profiles/${me.user.username}/follow`).set(authHeader(me)).expect(422);
    expect(response.body).to.deep.equal({ errors: { body: ['you cannot follow yourself'] } });
  });

  it('returns 404 for an unknown username', async () => {
    const fan = await createUser();
    await api().post('/api/profiles/nobody-at-all-here/follow').set(authHeader(fan)).expect(404);
  });

  it('returns 401 without a token', async () => {
    const { user } = await createUser();
    await api().post(`/api/profiles/${user.username}/follow`).expect(401);
  });
});

describe('DELETE /api/profiles/:username/follow', () => {
  it('returns 200 with following false, and is idempotent', async () => {
    const celeb = await createUser();
    const fan = await createUser();
    await api().post(`/api/profiles/${celeb.user.username}/follow`).set(authHeader(fan)).expect(200);
    for (const _ of [1, 2]) {
      const response = await api()
        .delete(`/api/profiles/${celeb.user.username}/follow`)
        .set(authHeader(fan))
        .expect(200);
      expect(response.body.profile).to.include({ username: celeb.user.username, following: false });
    }
    const profile = await api().get(`/api/profiles/${celeb.user.username}`).set(authHeader(fan)).expect(200);
    expect(profile.body.profile.following).to.equal(false);
  });

  it('returns 404 for an unknown username', async () => {
    const fan = await createUser();
    await api().delete('/api/profiles/nobody-at-all-here/follow').set(authHeader(fan)).expect(404);
  });

  it('returns 401 without a token', async () => {
    const { user } = await createUser();
    await api().delete(`/api/profiles/${user.username}/follow`).expect(401);
  });
});

describe('Usernames in Unicode', () => {
  it('treats composed and decomposed spellings as one name (NFC)', async () => {
    const stamp = Date.now().toString(36);
    const composed = `jos\u00e9_${stamp}`;
    const decomposed = `jose\u0301_${stamp}`;
    await api()
      .post('/api/users')
      .send({ user: { username: decomposed, email: `${stamp}@nfc.example.com`, password: 'password123' } })
      .expect(201);
    const taken = await api()
      .post('/api/users')
      .send({ user: { username: composed, email: `${stamp}-2@nfc.example.com`, password: 'password123' } })
      .expect(422);
    expect(taken.body.errors.body).to.deep.equal(['username has already been taken']);
    const profile = await api()
      .get(`/api/profiles/${encodeURIComponent(decomposed)}`)
      .expect(200);
    expect(profile.body.profile.username).to.equal(composed);
  });
});
