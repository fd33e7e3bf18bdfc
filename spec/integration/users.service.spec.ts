import { expect } from 'chai';
import { AlreadyTaken, Unauthenticated } from '../../src/domain/errors';
import { User } from '../../src/modules/users/user.entity';
import { UserRepository } from '../../src/modules/users/user.repository';
import { UsersService } from '../../src/modules/users/users.service';
import { createUser, DEFAULT_PASSWORD, uniqueUserInput } from '../support/factories';
import { em } from '../support/test-env';

/** The module under the view, on the real database: each test gets its own EntityManager. */
function service() {
  const fork = em();
  return { service: new UsersService(fork, fork.getRepository(User) as UserRepository), em: fork };
}

describe('UsersService', () => {
  describe('register', () => {
    it('saves the user with an argon2id hash, never the password', async () => {
      const input = uniqueUserInput();
      const user = await service().service.register(input);
      const saved = await em().findOneOrFail(User, { id: user.id });
      expect(saved).to.include({ email: input.email, username: input.username, bio: null, image: null });
      expect(saved.passwordHash)
        .to.match(/^\$argon2id\$/)
        .and.not.include(input.password);
    });

    it('refuses a taken email (any case) and a taken username together', async () => {
      const { user } = await createUser();
      try {
        await service().service.register({
          email: user.email.toUpperCase(),
          username: user.username,
          password: 'password123',
        });
        expect.fail('register should have refused');
      } catch (error) {
        expect(error).to.be.instanceOf(AlreadyTaken);
        expect((error as AlreadyTaken).messages).to.deep.equal([
          'email has already been taken',
          'username has already been taken',
        ]);
      }
    });

    it('reports a registration that loses the race at the unique index as AlreadyTaken, naming the field', async () => {
      const input = uniqueUserInput();
      // Both pass the availability check before either inserts; the index decides.
      const outcomes = await Promise.allSettled(
        [0, 1, 2].map((n) => service().service.register({ ...input, username: `${input.username}r${n}` })),
      );
      const failures = outcomes.filter((outcome) => outcome.status === 'rejected');
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).to.have.length(1);
      expect(failures).to.have.length(2);
      for (const failure of failures) {
        expect(failure.reason).to.be.instanceOf(AlreadyTaken);
        expect((failure.reason as AlreadyTaken).messages).to.deep.equal(['email has already been taken']);
      }
    });
  });

  describe('update', () => {
    it('reports an email taken at the unique index during the update as AlreadyTaken', async () => {
      const [{ user: first }, { user: second }] = await Promise.all([createUser(), createUser()]);
      const target = uniqueUserInput().email;
      const [a, b] = [service(), service()];
      const outcomes = await Promise.allSettled([
        a.service.update(await a.em.findOneOrFail(User, { id: first.id }), { email: target }),
        b.service.update(await b.em.findOneOrFail(User, { id: second.id }), { email: target }),
      ]);
      const failures = outcomes.filter((outcome) => outcome.status === 'rejected');
      expect(failures).to.have.length(1);
      expect(failures[0].reason).to.be.instanceOf(AlreadyTaken);
      expect((failures[0].reason as AlreadyTaken).messages).to.deep.equal(['email has already been taken']);
    });
  });

  describe('authenticate', () => {
    it('returns the user for the right password, matching the email in any case', async () => {
      const { user } = await createUser();
      const found = await service().service.authenticate({
        email: ` ${user.email.toUpperCase()} `,
        password: DEFAULT_PASSWORD,
      });
      expect(found.id).to.equal(user.id);
    });

    it('throws Unauthorized for a wrong password and for an unknown email', async () => {
      const { user } = await createUser();
      for (const credentials of [
        { email: user.email, password: 'nope nope' },
        { email: `x${user.email}`, password: DEFAULT_PASSWORD },
      ]) {
        const error = await service()
          .service.authenticate(credentials)
          .catch((e: unknown) => e);
        expect(error).to.be.instanceOf(Unauthenticated);
      }
    });
  });

  describe('update', () => {
    it('changes only the fields given', async () => {
      const { user } = await createUser({ bio: 'before' });
      const { service: users, em: fork } = service();
      const mine = await fork.findOneOrFail(User, { id: user.id });
      await users.update(mine, { image: 'https://example.com/a.png' });
      const saved = await em().findOneOrFail(User, { id: user.id });
      expect(saved).to.include({ bio: 'before', image: 'https://example.com/a.png', email: user.email });
    });
  });
});
