import { Migration } from '@mikro-orm/migrations';

export class Migration20261128100651_tags_summary extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "tags" ("name" text not null, "articles_count" int not null default 0, constraint "tags_pkey" primary key ("name"));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "tags" cascade;`);
  }
}
