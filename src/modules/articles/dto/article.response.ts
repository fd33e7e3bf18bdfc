import { type Profile, type ProfileRow, toProfile } from '../../profiles/dto/profile.response';

/** The RealWorld `Article`. Lists leave out `body` (spec 1.1); single-article responses include it. */
export interface ArticleView {
  slug: string;
  title: string;
  description: string;
  body?: string;
  tagList: string[];
  createdAt: string;
  updatedAt: string;
  favorited: boolean;
  favoritesCount: number;
  author: Profile;
}

export interface SingleArticleResponse {
  article: ArticleView;
}

export interface MultipleArticlesResponse {
  articles: ArticleView[];
  articlesCount: number;
}

/** One row of the article read query (see ArticleRepository). */
export interface ArticleRow extends ProfileRow {
  id: number;
  slug: string;
  title: string;
  description: string;
  body?: string;
  tag_list: string[];
  created_at: Date;
  updated_at: Date;
  favorites_count: number;
  favorited: boolean;
  total?: number;
}

export function toArticleView(row: ArticleRow): ArticleView {
  return {
    slug: row.slug,
    title: row.title,
    description: row.description,
    ...(row.body !== undefined && { body: row.body }),
    tagList: row.tag_list,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    favorited: row.favorited,
    favoritesCount: Number(row.favorites_count),
    author: toProfile(row),
  };
}
