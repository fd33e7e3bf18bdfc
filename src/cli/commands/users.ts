import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { Command } from 'commander';
import { AlreadyTaken } from '../../domain/errors';
import { NewUser } from '../../modules/users/dto/register-user.dto';
import { User } from '../../modules/users/user.entity';
import { UsersService } from '../../modules/users/users.service';
import { flattenValidationErrors } from '../../validation/flatten-errors';
import type { CliContext } from '../context';
import { withDatabase } from '../with-database';
import { CliError } from './migrations';

export function registerUserCommands(program: Command, context: CliContext): void {
  program
    .command('user:create')
    .description('create one user account (the same rules and normalisation as POST /api/users)')
    .requiredOption('--email <email>')
    .requiredOption('--username <username>')
    .requiredOption('--password <password>')
    .action(async (options: { email: string; username: string; password: string }) => {
      const input = plainToInstance(NewUser, options);
      const problems = flattenValidationErrors(await validate(input, { stopAtFirstError: true }));
      // One line, like every CLI error: a script reading stderr gets one message per failure.
      if (problems.length > 0) throw new CliError(problems.join('; '));

      await withDatabase(
        context,
        async (em) => {
          // The service the API uses, so an account made here is the one the API finds (the same
          // Unicode normalisation of the username, the same trimmed email, the same checks).
          const users = new UsersService(em, em.getRepository(User));
          try {
            const user = await users.register(input);
            console.log(`Created user #${user.id} ${user.username} <${user.email}>.`);
          } catch (error) {
            // A taken email or username, found by the check or by the unique index in a race.
            if (error instanceof AlreadyTaken) throw new CliError(error.messages.join('; '));
            throw error;
          }
        },
        { migrate: true },
      );
    });
}
