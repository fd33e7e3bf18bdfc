import { Migration } from '@mikro-orm/migrations';

export class Migration20261128090515_create_users extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "users" ("id" serial primary key, "email" varchar(255) not null, "username" varchar(64) not null, "password_hash" varchar(255) not null, "bio" text null, "image" varchar(1000) null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now());`,
    );
    this.addSql(`alter table "users" add constraint "users_username_unique" unique ("username");`);
    this.addSql(`create unique index "users_email_lower_unique" on "users" (lower("email"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "users" cascade;`);
  }
}
