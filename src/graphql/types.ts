import { ArgsType, Field, InputType, Int, ObjectType } from 'type-graphql';

/**
 * The GraphQL object and input types (type-graphql classes). Field names and shapes are the REST
 * responses' (RealWorld): a client moving between the two reads the same objects. These classes
 * only describe the schema; the values resolvers return are the services' plain views, and the
 * inputs are validated by the REST request DTOs (see input.ts), not by decorators here.
 */

@ObjectType('Profile')
export class ProfileType {
  @Field(() => String)
  username!: string;

  @Field(() => String, { nullable: true })
  bio!: string | null;

  @Field(() => String, { nullable: true })
  image!: string | null;

  @Field(() => Boolean)
  following!: boolean;
}

@ObjectType('Comment')
export class CommentType {
  @Field(() => Int)
  id!: number;

  @Field(() => String)
  body!: string;

  @Field(() => String)
  createdAt!: string;

  @Field(() => String)
  updatedAt!: string;

  @Field(() => ProfileType)
  author!: ProfileType;
}

@ObjectType('Article')
export class ArticleType {
  @Field(() => String)
  slug!: string;

  @Field(() => String)
  title!: string;

  @Field(() => String)
  description!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Null in lists (RealWorld 1.1 leaves it out of them); present for a single article.',
  })
  body?: string;

  @Field(() => [String])
  tagList!: string[];

  @Field(() => String)
  createdAt!: string;

  @Field(() => String)
  updatedAt!: string;

  @Field(() => Boolean)
  favorited!: boolean;

  @Field(() => Int)
  favoritesCount!: number;

  @Field(() => ProfileType)
  author!: ProfileType;
}

@ObjectType('ArticleList')
export class ArticleListType {
  @Field(() => [ArticleType])
  articles!: ArticleType[];

  @Field(() => Int, { description: 'The total matching the filters, not the page size.' })
  articlesCount!: number;
}

@ObjectType('User')
export class UserType {
  @Field(() => String)
  email!: string;

  @Field(() => String)
  token!: string;

  @Field(() => String)
  username!: string;

  @Field(() => String, { nullable: true })
  bio!: string | null;

  @Field(() => String, { nullable: true })
  image!: string | null;

  @Field(() => Boolean, { description: 'Extension: whether notification mails are sent (see PUT /api/user).' })
  emailNotifications!: boolean;
}

@InputType('RegisterInput')
export class RegisterInput {
  @Field(() => String)
  username!: string;

  @Field(() => String)
  email!: string;

  @Field(() => String)
  password!: string;
}

@InputType('UpdateUserInput')
export class UpdateUserInput {
  @Field(() => String, { nullable: true })
  username?: string;

  @Field(() => String, { nullable: true })
  email?: string;

  @Field(() => String, { nullable: true })
  password?: string;

  @Field(() => String, { nullable: true })
  bio?: string | null;

  @Field(() => String, { nullable: true })
  image?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Extension: false stops notification mails.' })
  emailNotifications?: boolean;
}

@InputType('NewArticleInput')
export class NewArticleInput {
  @Field(() => String)
  title!: string;

  @Field(() => String)
  description!: string;

  @Field(() => String)
  body!: string;

  @Field(() => [String], { nullable: true })
  tagList?: string[] | null;
}

@InputType('UpdateArticleInput')
export class UpdateArticleInput {
  @Field(() => String, { nullable: true })
  title?: string;

  @Field(() => String, { nullable: true })
  description?: string;

  @Field(() => String, { nullable: true })
  body?: string;

  @Field(() => [String], { nullable: true })
  tagList?: string[];
}

/** `limit` and `offset`, checked and clamped as REST's `?limit=&offset=` (PageQuery). */
@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true })
  limit?: number;

  @Field(() => Int, { nullable: true })
  offset?: number;
}

/** The `articles` filters, checked as REST's `GET /api/articles` query (ListArticlesQuery). */
@ArgsType()
export class ArticlesArgs extends PageArgs {
  @Field(() => String, { nullable: true })
  tag?: string;

  @Field(() => String, { nullable: true })
  author?: string;

  @Field(() => String, { nullable: true })
  favorited?: string;

  @Field(() => String, { nullable: true })
  search?: string;
}
