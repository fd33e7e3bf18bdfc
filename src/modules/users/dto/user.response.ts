import { Type } from 'class-transformer';
import { IsBoolean, IsEmail, IsString, ValidateNested } from 'class-validator';
import { JSONSchema } from '../../../http/openapi/json-schema';
import type { User } from '../user.entity';

/** The RealWorld `User` object: the caller's own account, with a fresh token. */
@JSONSchema({ additionalProperties: false })
export class AuthenticatedUser {
  @IsEmail()
  email!: string;

  @IsString()
  token!: string;

  @IsString()
  username!: string;

  @JSONSchema({ nullable: true })
  @IsString()
  bio!: string | null;

  @JSONSchema({ nullable: true })
  @IsString()
  image!: string | null;

  @JSONSchema({
    description:
      'Extension (not in the RealWorld spec): whether notification mails (comments on your articles) are sent. ' +
      'Set it with PUT /api/user.',
  })
  @IsBoolean()
  emailNotifications!: boolean;
}

@JSONSchema({ additionalProperties: false })
export class UserResponse {
  @ValidateNested()
  @Type(() => AuthenticatedUser)
  user!: AuthenticatedUser;
}

export function toUserResponse(user: User, token: string): UserResponse {
  return {
    user: {
      email: user.email,
      token,
      username: user.username,
      bio: user.bio,
      image: user.image,
      emailNotifications: user.emailNotifications,
    },
  };
}
