import type { Profile } from '../../profiles/dto/profile.response';

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
