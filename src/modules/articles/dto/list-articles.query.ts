import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { PG_INTEGER_MAX } from '../../../db/pg-limits';
import { IsText } from '../../../validation/text-rules';
import { USERNAME_MAX } from '../../users/dto/user-fields';
import { SEARCH_MAX } from '../search-query';
import { TAG_MAX } from './article-fields';

/**
 * `?limit=&offset=`. Both must be whole numbers (422 otherwise): limit ≥ 1, offset ≥ 0. A limit
 * above MAX_LIMIT is clamped to it rather than refused, as clients ask for "everything".
 */
export class PageQuery {
  @Min(1)
  @IsInt({ message: 'limit must be a whole number' })
  @Type(() => Number)
  @IsOptional()
  limit?: number;

  @Max(PG_INTEGER_MAX)
  @Min(0)
  @IsInt({ message: 'offset must be a whole number' })
  @Type(() => Number)
  @IsOptional()
  offset?: number;
}

/** `GET /api/articles` filters; they combine with AND. A repeated key is a 422. */
export class ListArticlesQuery extends PageQuery {
  @MaxLength(TAG_MAX)
  @IsString()
  @IsOptional()
  tag?: string;

  @MaxLength(USERNAME_MAX)
  @IsString()
  @IsOptional()
  author?: string;

  @MaxLength(USERNAME_MAX)
  @IsString()
  @IsOptional()
  favorited?: string;

  /** Full-text search (see `searchTsQuery`): one line of text, at most SEARCH_MAX characters. */
  @IsText('single-line')
  @MaxLength(SEARCH_MAX)
  @IsString()
  @IsOptional()
  search?: string;
}
