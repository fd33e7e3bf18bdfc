/**
 * The GraphQL schema's type definitions (schema-first). Field names and shapes are the REST
 * responses' (RealWorld): a client moving between the two reads the same objects.
 */
export const TYPE_DEFS = /* GraphQL */ `
  type Query {
    "Newest first (most relevant first with search); limit defaults to 20 and is clamped to 100."
    articles(tag: String, author: String, favorited: String, search: String, limit: Int, offset: Int): ArticleList!
    article(slug: String!): Article!
    "Articles by the authors the caller follows (token required)."
    feed(limit: Int, offset: Int): ArticleList!
    profile(username: String!): Profile!
    tags: [String!]!
    "The caller's own account, with a fresh token (token required)."
    me: User!
    "Every comment on the article, newest first."
    comments(slug: String!): [Comment!]!
  }

  type Mutation {
    register(input: RegisterInput!): User!
    login(email: String!, password: String!): User!
    updateMe(input: UpdateUserInput!): User!
    createArticle(input: NewArticleInput!): Article!
    updateArticle(slug: String!, input: UpdateArticleInput!): Article!
    deleteArticle(slug: String!): Boolean!
    favoriteArticle(slug: String!): Article!
    unfavoriteArticle(slug: String!): Article!
    addComment(slug: String!, body: String!): Comment!
    deleteComment(slug: String!, id: Int!): Boolean!
    follow(username: String!): Profile!
    unfollow(username: String!): Profile!
  }

  type ArticleList {
    articles: [Article!]!
    "The total matching the filters, not the page size."
    articlesCount: Int!
  }

  type Article {
    slug: String!
    title: String!
    description: String!
    "Null in lists (RealWorld 1.1 leaves it out of them); present for a single article."
    body: String
    tagList: [String!]!
    createdAt: String!
    updatedAt: String!
    favorited: Boolean!
    favoritesCount: Int!
    author: Profile!
    "The newest comments, at most first (default 5, clamped to 20); batched across a page."
    comments(first: Int = 5): [Comment!]!
  }

  type Profile {
    username: String!
    bio: String
    image: String
    following: Boolean!
  }

  type User {
    email: String!
    token: String!
    username: String!
    bio: String
    image: String
  }

  type Comment {
    id: Int!
    body: String!
    createdAt: String!
    updatedAt: String!
    author: Profile!
  }

  input RegisterInput {
    username: String!
    email: String!
    password: String!
  }

  input UpdateUserInput {
    username: String
    email: String
    password: String
    bio: String
    image: String
  }

  input NewArticleInput {
    title: String!
    description: String!
    body: String!
    tagList: [String!]
  }

  input UpdateArticleInput {
    title: String
    description: String
    body: String
    tagList: [String!]
  }
`;
