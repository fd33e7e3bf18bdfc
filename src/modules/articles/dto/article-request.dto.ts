import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsObject,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsText } from '../../../validation/text-rules';
import { BODY_MAX, DESCRIPTION_MAX, NOT_BLANK, TAG_MAX, TAGS_MAX, TITLE_MAX } from './article-fields';

export class NewArticle {
  @Matches(NOT_BLANK, { message: 'title must not be blank' })
  @MaxLength(TITLE_MAX)
  @IsText('single-line')
  @IsString()
  title!: string;

  @Matches(NOT_BLANK, { message: 'description must not be blank' })
  @MaxLength(DESCRIPTION_MAX)
  @IsText('single-line')
  @IsString()
  description!: string;

  @Matches(NOT_BLANK, { message: 'body must not be blank' })
  @MaxLength(BODY_MAX)
  @IsText('multi-line')
  @IsString()
  body!: string;

  @MaxLength(TAG_MAX, { each: true, message: `each tag must be at most ${TAG_MAX} characters` })
  @IsText('single-line', { each: true, subject: 'each tag' })
  @IsString({ each: true, message: 'each tag must be a string' })
  @ArrayMaxSize(TAGS_MAX)
  @IsArray()
  @ValidateIf((_, value) => value !== undefined && value !== null)
  tagList?: string[] | null;
}

/** `POST /api/articles` body: `{"article": {title, description, body, tagList?}}`. */
export class CreateArticleRequest {
  @ValidateNested()
  @Type(() => NewArticle)
  @IsObject({ message: 'article must be an object' })
  @IsDefined({ message: 'article is required' })
  article!: NewArticle;
}

/** Every field optional; a given field must still be non-blank. A new title gives a new slug. */
export class UpdateArticle {
  @Matches(NOT_BLANK, { message: 'title must not be blank' })
  @MaxLength(TITLE_MAX)
  @IsText('single-line')
  @IsString()
  @ValidateIf((_, value) => value !== undefined)
  title?: string;

  @Matches(NOT_BLANK, { message: 'description must not be blank' })
  @MaxLength(DESCRIPTION_MAX)
  @IsText('single-line')
  @IsString()
  @ValidateIf((_, value) => value !== undefined)
  description?: string;

  @Matches(NOT_BLANK, { message: 'body must not be blank' })
  @MaxLength(BODY_MAX)
  @IsText('multi-line')
  @IsString()
  @ValidateIf((_, value) => value !== undefined)
  body?: string;

  @MaxLength(TAG_MAX, { each: true, message: `each tag must be at most ${TAG_MAX} characters` })
  @IsText('single-line', { each: true, subject: 'each tag' })
  @IsString({ each: true, message: 'each tag must be a string' })
  @ArrayMaxSize(TAGS_MAX)
  @IsArray()
  @ValidateIf((_, value) => value !== undefined)
  tagList?: string[];
}

/** `PUT /api/articles/:slug` body: `{"article": {...changes}}`. */
export class UpdateArticleRequest {
  @ValidateNested()
  @Type(() => UpdateArticle)
  @IsObject({ message: 'article must be an object' })
  @IsDefined({ message: 'article is required' })
  article!: UpdateArticle;
}
