import { Type } from 'class-transformer';
import { IsDefined, IsEmail, IsObject, IsString, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { IsText } from '../../../validation/text-rules';
import { EMAIL_MAX, PASSWORD_MAX, PASSWORD_MIN, USERNAME_MAX, USERNAME_PATTERN } from './user-fields';

export class NewUser {
  @Matches(USERNAME_PATTERN, { message: 'username may contain only letters, digits, "_", "." and "-"' })
  @Length(1, USERNAME_MAX)
  @IsText('single-line')
  @IsString()
  username!: string;

  @MaxLength(EMAIL_MAX)
  @IsEmail({}, { message: 'email must be an email address' })
  @IsText('single-line')
  @IsString()
  email!: string;

  @Length(PASSWORD_MIN, PASSWORD_MAX)
  @IsText('unicode-only')
  @IsString()
  password!: string;
}

/** `POST /api/users` body: `{"user": {"username", "email", "password"}}`. */
export class RegisterUserRequest {
  @ValidateNested()
  @Type(() => NewUser)
  @IsObject({ message: 'user must be an object' })
  @IsDefined({ message: 'user is required' })
  user!: NewUser;
}
