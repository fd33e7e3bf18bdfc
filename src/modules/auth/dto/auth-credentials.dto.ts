import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { PASSWORD_MAX, USERNAME_MAX } from '../../users/dto/user-fields';

/** flask-jwt's `/auth` body: `{"username", "password"}`, without the RealWorld envelope. */
export class AuthCredentials {
  @MaxLength(USERNAME_MAX)
  @IsNotEmpty()
  @IsString()
  username!: string;

  @MaxLength(PASSWORD_MAX)
  @IsNotEmpty()
  @IsString()
  password!: string;
}
