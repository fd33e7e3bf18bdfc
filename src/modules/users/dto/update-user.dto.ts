import { Type } from 'class-transformer';
import {
  IsDefined,
  IsEmail,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsText } from '../../../validation/text-rules';
import {
  BIO_MAX,
  EMAIL_MAX,
  IMAGE_MAX,
  PASSWORD_MAX,
  PASSWORD_MIN,
  USERNAME_MAX,
  USERNAME_PATTERN,
} from './user-fields';

/**
 * Every field is optional; absent fields stay as they are. `bio` and `image` may be null or ""
 * to clear them; email, username and password can be changed but not cleared.
 */
export class UpdateUser {
  @Matches(USERNAME_PATTERN, { message: 'username may contain only letters, digits, "_", "." and "-"' })
  @Length(1, USERNAME_MAX)
  @IsText('single-line')
  @IsString()
  @ValidateIf((_, value) => value !== undefined)
  username?: string;

  @MaxLength(EMAIL_MAX)
  @IsEmail({}, { message: 'email must be an email address' })
  @IsText('single-line')
  @IsString()
  @ValidateIf((_, value) => value !== undefined)
  email?: string;

  @Length(PASSWORD_MIN, PASSWORD_MAX)
  @IsText('unicode-only')
  @IsString()
  @ValidateIf((_, value) => value !== undefined)
  password?: string;

  @MaxLength(BIO_MAX)
  @IsText('multi-line')
  @IsString()
  @IsOptional()
  bio?: string | null;

  @IsUrl({ protocols: ['http', 'https'], require_protocol: true }, { message: 'image must be an http(s) URL' })
  @MaxLength(IMAGE_MAX)
  @IsText('single-line')
  @IsString()
  @ValidateIf((_, value) => value !== undefined && value !== null && value !== '')
  image?: string | null;
}

/** `PUT /api/user` body: `{"user": {...changes}}`. */
export class UpdateUserRequest {
  @ValidateNested()
  @Type(() => UpdateUser)
  @IsObject({ message: 'user must be an object' })
  @IsDefined({ message: 'user is required' })
  user!: UpdateUser;
}
