import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { Command } from 'commander';
import { flattenValidationErrors } from '../../http/error-handler';
import { hashPassword } from '../../modules/auth/password';
import { NewUser } from '../../modules/users/dto/register-user.dto';
import { User } from '../../modules/users/user.entity';
import { withDatabase } from '../with-database';
import { CliError } from './migrations';

export function registerUserCommands(program: Command): void {
  program
    .command('user:create')
    .description('create one user account')
    .requiredOption('--email <email>')
    .requiredOption('--username <username>')
    .requiredOption('--password <password>')
    .action(async (options: { email: string; username: string; password: string }) => {
      // The same rules as POST /api/users.
      const input = plainToInstance(NewUser, options);
      const problems = flattenValidationErrors(await validate(input, { stopAtFirstError: true }));
      if (problems.length > 0) throw new CliError(problems.join('\n'));

      await withDatabase(
        async (em) => {
          const taken = await em.getRepository(User).findByEmail(input.email);
          if (taken) throw new CliError('email has already been taken');
          if (await em.getRepository(User).findByUsername(input.username)) {
            throw new CliError('username has already been taken');
          }
          const user = em.create(User, {
            email: input.email,
            username: input.username,
            passwordHash: await hashPassword(input.password),
          });
          await em.flush();
          console.log(`Created user #${user.id} ${user.username} <${user.email}>.`);
        },
        { migrate: true },
      );
    });
}
