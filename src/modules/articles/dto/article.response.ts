import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsDateString, IsInt, IsOptional, IsString, ValidateNested } from 'class-validator';
import { JSONSchema } from '../../../http/openapi/json-schema';
import { Profile } from '../../profiles/dto/profile.response';

/** The RealWorld `Article`. Lists leave out `body` (spec 1.1); single-article responses include it. */
@JSONSchema({ additionalProperties: false })
export class ArticleView {
  @IsString()
  slug!: string;

  @IsString()
  title!: string;

  @IsString()
  description!: string;

  @JSONSchema({ description: 'present in single-article responses, left out of lists' })
  @IsString()
  @IsOptional()
  body?: string;

  @IsString({ each: true })
  @IsArray()
  tagList!: string[];

  @IsDateString()
  createdAt!: string;

  @IsDateString()
  updatedAt!: string;

  @IsBoolean()
  favorited!: boolean;

  @IsInt()
  favoritesCount!: number;

  @ValidateNested()
  @Type(() => Profile)
  author!: Profile;
}

@JSONSchema({ additionalProperties: false })
export class SingleArticleResponse {
  @ValidateNested()
  @Type(() => ArticleView)
  article!: ArticleView;
}

@JSONSchema({ additionalProperties: false })
export class MultipleArticlesResponse {
  @ValidateNested({ each: true })
  @Type(() => ArticleView)
  @IsArray()
  articles!: ArticleView[];

  @IsInt()
  articlesCount!: number;
}
