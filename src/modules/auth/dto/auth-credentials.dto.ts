import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { IsText } from '../../../validation/text-rules';
import { PASSWORD_MAX, USERNAME_MAX } from '../../users/dto/user-fields';

/** flask-jwt's `/auth` body: `{"username", "password"}`, without the RealWorld envelope. */
export class AuthCredentials {
  @MaxLength(USERNAME_MAX)
  @IsNotEmpty()
  @IsText('unicode-only')
  @IsString()
  username!: string;

  @MaxLength(PASSWORD_MAX)
  @IsNotEmpty()
  @IsText('unicode-only')
  @IsString()
  password!: string;
}
