import { Type } from 'class-transformer';
import {
  IsArray,
  IsDateString,
  IsDefined,
  IsInt,
  IsObject,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { JSONSchema } from '../../../http/openapi/json-schema';
import { IsText } from '../../../validation/text-rules';
import { Profile } from '../../profiles/dto/profile.response';

export const COMMENT_BODY_MAX = 10_000;

export class NewComment {
  @Matches(/\S/, { message: 'body must not be blank' })
  @MaxLength(COMMENT_BODY_MAX)
  @IsText('multi-line')
  @IsString()
  body!: string;
}

/** `POST /api/articles/:slug/comments` body: `{"comment": {"body"}}`. */
export class CreateCommentRequest {
  @ValidateNested()
  @Type(() => NewComment)
  @IsObject({ message: 'comment must be an object' })
  @IsDefined({ message: 'comment is required' })
  comment!: NewComment;
}

/** The RealWorld `Comment`. */
@JSONSchema({ additionalProperties: false })
export class CommentView {
  @IsInt()
  id!: number;

  @IsDateString()
  createdAt!: string;

  @IsDateString()
  updatedAt!: string;

  @IsString()
  body!: string;

  @ValidateNested()
  @Type(() => Profile)
  author!: Profile;
}

@JSONSchema({ additionalProperties: false })
export class SingleCommentResponse {
  @ValidateNested()
  @Type(() => CommentView)
  comment!: CommentView;
}

@JSONSchema({ additionalProperties: false })
export class MultipleCommentsResponse {
  @ValidateNested({ each: true })
  @Type(() => CommentView)
  @IsArray()
  comments!: CommentView[];
}
