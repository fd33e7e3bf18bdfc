import { Migration } from '@mikro-orm/migrations';

/**
 * `articles.search_vector`: a STORED generated tsvector (title A, description B, body C, each
 * with the English and the `simple` configuration) and its GIN index, for `?search=`. Adding a
 * stored generated column rewrites the table once, computing the vector of every existing row.
 */
export class Migration20261129070044_article_search extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "articles" add column "search_vector" tsvector generated always as (setweight(to_tsvector('english', title), 'A'::"char") || setweight(to_tsvector('simple', title), 'A'::"char") || setweight(to_tsvector('english', description), 'B'::"char") || setweight(to_tsvector('simple', description), 'B'::"char") || setweight(to_tsvector('english', body), 'C'::"char") || setweight(to_tsvector('simple', body), 'C'::"char")) stored not null;`,
    );
    this.addSql(`create index "articles_search_vector_gin" on "articles" using gin ("search_vector");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "articles_search_vector_gin";`);
    this.addSql(`alter table "articles" drop column "search_vector";`);
  }
}
