import { Type } from 'class-transformer';
import { IsDefined, IsObject, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { IsText } from '../../../validation/text-rules';
import type { Profile } from '../../profiles/dto/profile.response';

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
export interface CommentView {
  id: number;
  createdAt: string;
  updatedAt: string;
  body: string;
  author: Profile;
}
