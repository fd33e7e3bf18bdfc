import { Type } from 'class-transformer';
import { IsBoolean, IsString, ValidateNested } from 'class-validator';
import { JSONSchema } from '../../../http/openapi/json-schema';

/*
 * Response views are classes so that the OpenAPI document (src/http/openapi) can describe them
 * from their decorators; services still build plain objects of these shapes (nothing is
 * validated or transformed on the way out).
 */

/** The RealWorld `Profile`: a user as others see them. */
@JSONSchema({ additionalProperties: false })
export class Profile {
  @IsString()
  username!: string;

  @JSONSchema({ nullable: true })
  @IsString()
  bio!: string | null;

  @JSONSchema({ nullable: true })
  @IsString()
  image!: string | null;

  @IsBoolean()
  following!: boolean;
}

@JSONSchema({ additionalProperties: false })
export class ProfileResponse {
  @ValidateNested()
  @Type(() => Profile)
  profile!: Profile;
}
