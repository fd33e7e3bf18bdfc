import { Type } from 'class-transformer';
import { IsDefined, IsNotEmpty, IsObject, IsString, MaxLength, ValidateNested } from 'class-validator';
import { IsText } from '../../../validation/text-rules';
import { EMAIL_MAX, PASSWORD_MAX } from './user-fields';

export class LoginUser {
  @MaxLength(EMAIL_MAX)
  @IsNotEmpty()
  @IsText('unicode-only')
  @IsString()
  email!: string;

  @MaxLength(PASSWORD_MAX)
  @IsNotEmpty()
  @IsText('unicode-only')
  @IsString()
  password!: string;
}

/** `POST /api/users/login` body: `{"user": {"email", "password"}}`. */
export class LoginUserRequest {
  @ValidateNested()
  @Type(() => LoginUser)
  @IsObject({ message: 'user must be an object' })
  @IsDefined({ message: 'user is required' })
  user!: LoginUser;
}
