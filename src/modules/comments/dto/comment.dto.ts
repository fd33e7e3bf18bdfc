import { Type } from 'class-transformer';
import { IsDefined, IsObject, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { IsText } from '../../../http/text-rules';
import type { ProfileRow } from '../../profiles/dto/profile.response';
import { type Profile, toProfile } from '../../profiles/dto/profile.response';

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

export interface CommentRow extends ProfileRow {
  id: number;
  body: string;
  created_at: Date;
  updated_at: Date;
}

export function toCommentView(row: CommentRow): CommentView {
  return {
    id: row.id,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    body: row.body,
    author: toProfile(row),
  };
}
