import { Migration } from '@mikro-orm/migrations';

export class Migration20261128091414_conduit_domain extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "follows" ("follower_id" int not null, "followee_id" int not null, "created_at" timestamptz not null default now(), constraint "follows_pkey" primary key ("follower_id", "followee_id"), constraint follows_not_self_check check (follower_id <> followee_id));`,
    );
    this.addSql(`create index "follows_followee_id_index" on "follows" ("followee_id");`);

    this.addSql(
      `create table "articles" ("id" serial primary key, "slug" varchar(255) not null, "title" varchar(255) not null, "description" text not null, "body" text not null, "tag_list" text[] not null default '{}', "author_id" int not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now());`,
    );
    this.addSql(`alter table "articles" add constraint "articles_slug_unique" unique ("slug");`);
    this.addSql(`create index "articles_tag_list_gin" on "articles" using gin ("tag_list");`);
    this.addSql(`create index "articles_author_id_created_at_index" on "articles" ("author_id", "created_at");`);
    this.addSql(`create index "articles_created_at_id_index" on "articles" ("created_at", "id");`);

    this.addSql(
      `create table "favorites" ("user_id" int not null, "article_id" int not null, "created_at" timestamptz not null default now(), constraint "favorites_pkey" primary key ("user_id", "article_id"));`,
    );
    this.addSql(`create index "favorites_article_id_index" on "favorites" ("article_id");`);

    this.addSql(
      `create table "comments" ("id" serial primary key, "body" text not null, "article_id" int not null, "author_id" int not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now());`,
    );
    this.addSql(`create index "comments_author_id_index" on "comments" ("author_id");`);
    this.addSql(`create index "comments_article_id_created_at_index" on "comments" ("article_id", "created_at");`);

    this.addSql(
      `alter table "follows" add constraint "follows_follower_id_foreign" foreign key ("follower_id") references "users" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "follows" add constraint "follows_followee_id_foreign" foreign key ("followee_id") references "users" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "articles" add constraint "articles_author_id_foreign" foreign key ("author_id") references "users" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "favorites" add constraint "favorites_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "favorites" add constraint "favorites_article_id_foreign" foreign key ("article_id") references "articles" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "comments" add constraint "comments_article_id_foreign" foreign key ("article_id") references "articles" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "comments" add constraint "comments_author_id_foreign" foreign key ("author_id") references "users" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "favorites" drop constraint "favorites_article_id_foreign";`);

    this.addSql(`alter table "comments" drop constraint "comments_article_id_foreign";`);

    this.addSql(`drop table if exists "follows" cascade;`);

    this.addSql(`drop table if exists "articles" cascade;`);

    this.addSql(`drop table if exists "favorites" cascade;`);

    this.addSql(`drop table if exists "comments" cascade;`);
  }
}
