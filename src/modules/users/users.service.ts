import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Service } from 'typedi';
import { uniqueViolationField } from '../../db/database-errors';
import { AlreadyTaken, Unauthenticated } from '../../domain/errors';
import { Job } from '../jobs/job.entity';
import { welcomeMailJob } from '../notifications/notification-jobs';
import type { LoginUser } from './dto/login-user.dto';
import type { NewUser } from './dto/register-user.dto';
import type { UpdateUser } from './dto/update-user.dto';
import { hashPassword, verifyAgainstDecoy, verifyPassword } from './password';
import { PASSWORD_CHANGE_LISTENERS, type PasswordChangeListener } from './password-change';
import { User } from './user.entity';
import { UserRepository } from './user.repository';
import { normalizeUsername } from './username-key';

@Service()
export class UsersService {
  constructor(
    private readonly em: EntityManager,
    private readonly users: UserRepository,
    @Inject(PASSWORD_CHANGE_LISTENERS) private readonly passwordChangeListeners: readonly PasswordChangeListener[] = [],
  ) {}

  /** The account and its welcome mail's job, in one transaction: both or neither. */
  async register(input: NewUser): Promise<User> {
    const username = normalizeUsername(input.username);
    await this.assertAvailable({ email: input.email, username });
    const passwordHash = await hashPassword(input.password);
    return this.em.transactional(async (em) => {
      // No trimming: the DTO refuses an email with spaces around it (IsEmail).
      const user = em.create(User, { email: input.email, username, passwordHash });
      await this.flushClaimingUniqueFields(em);
      await em.getRepository(Job).enqueue(welcomeMailJob(user.id));
      return user;
    });
  }

  /** The user for these credentials; 401 for an unknown email or a wrong password alike. */
  async authenticate(credentials: LoginUser): Promise<User> {
    const user = await this.users.findByEmail(credentials.email.trim());
    const valid = user
      ? await verifyPassword(user.passwordHash, credentials.password)
      : await verifyAgainstDecoy(credentials.password);
    if (!user || !valid) throw new Unauthenticated('email or password is invalid');
    return user;
  }

  /** Same as `authenticate`, by username: the talk's flask-jwt `/auth` endpoint. */
  async authenticateByUsername(username: string, password: string): Promise<User> {
    const user = await this.users.findByUsername(normalizeUsername(username));
    const valid = user ? await verifyPassword(user.passwordHash, password) : await verifyAgainstDecoy(password);
    if (!user || !valid) throw new Unauthenticated('username or password is invalid');
    return user;
  }

  async update(user: User, changes: UpdateUser): Promise<User> {
    const { email } = changes;
    const username = changes.username === undefined ? undefined : normalizeUsername(changes.username);
    // The caller's own account never takes a name from them: the same email in another case, or
    // the own username re-cased or spelled with a look-alike letter, finds the caller here.
    await this.assertAvailable({ email, username }, user.id);
    if (email !== undefined) user.email = email;
    if (username !== undefined) user.username = username;
    if (changes.password !== undefined) user.passwordHash = await hashPassword(changes.password);
    if (changes.bio !== undefined) user.bio = changes.bio || null;
    if (changes.image !== undefined) user.image = changes.image || null;
    if (changes.emailNotifications !== undefined) user.emailNotifications = changes.emailNotifications;
    if (changes.password === undefined || this.passwordChangeListeners.length === 0) {
      await this.flushClaimingUniqueFields(this.em);
      return user;
    }
    // One transaction: the new password and what the listeners revoke commit together or not at all.
    await this.em.transactional(async (em) => {
      await this.flushClaimingUniqueFields(em);
      for (const listener of this.passwordChangeListeners) await listener.passwordChanged(user.id);
    });
    return user;
  }

  findById(id: number): Promise<User | null> {
    return this.users.findOne({ id });
  }

  /**
   * A concurrent registration or update can claim the same email or username between our check
   * and our write; the unique indexes catch it, and it is the same AlreadyTaken as the check's.
   */
  private async flushClaimingUniqueFields(em: EntityManager): Promise<void> {
    try {
      await em.flush();
    } catch (error) {
      const field = uniqueViolationField(error);
      if (field) throw new AlreadyTaken(`${field} has already been taken`);
      throw error;
    }
  }

  /** AlreadyTaken listing every taken field, so a form can show both at once. */
  private async assertAvailable(fields: { email?: string; username?: string }, exceptUserId?: number) {
    const [byEmail, byUsername] = await Promise.all([
      fields.email === undefined ? null : this.users.findByEmail(fields.email),
      fields.username === undefined ? null : this.users.findByUsername(fields.username),
    ]);
    const taken: string[] = [];
    if (byEmail && byEmail.id !== exceptUserId) taken.push('email has already been taken');
    if (byUsername && byUsername.id !== exceptUserId) taken.push('username has already been taken');
    if (taken.length > 0) throw new AlreadyTaken(taken);
  }
}
