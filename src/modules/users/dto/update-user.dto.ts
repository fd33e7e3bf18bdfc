import { Type } from 'class-transformer';
import {
  IsBoolean,
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
import { JSONSchema } from '../../../http/openapi/json-schema';
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

  /** An extension to RealWorld: false stops notification mails (see the README). */
  @JSONSchema({ description: 'Extension (not in the RealWorld spec): false stops notification mails.' })
  @IsBoolean({ message: 'emailNotifications must be true or false' })
  @ValidateIf((_, value) => value !== undefined)
  emailNotifications?: boolean;
}

/** `PUT /api/user` body: `{"user": {...changes}}`. */
export class UpdateUserRequest {
  @ValidateNested()
  @Type(() => UpdateUser)
  @IsObject({ message: 'user must be an object' })
  @IsDefined({ message: 'user is required' })
  user!: UpdateUser;
}
