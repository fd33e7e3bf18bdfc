import { Migration } from '@mikro-orm/migrations';

export class Migration20261204222528_oauth_refresh_tokens_and_rate_limits extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "rate_limit_counters" ("limit_name" text not null, "subject" text not null, "hits" int not null, "window_ends_at" timestamptz not null, constraint "rate_limit_counters_pkey" primary key ("limit_name", "subject"));`,
    );
    this.addSql(`create index "rate_limit_counters_window_ends_at_index" on "rate_limit_counters" ("window_ends_at");`);

    this.addSql(
      `create table "oauth_refresh_token_families" ("id" uuid not null, "user_id" int not null, "client_id" text null, "scope" text null, "created_at" timestamptz not null default now(), "revoked_at" timestamptz null, constraint "oauth_refresh_token_families_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "oauth_refresh_token_families_user_id_index" on "oauth_refresh_token_families" ("user_id");`,
    );

    this.addSql(
      `create table "oauth_refresh_tokens" ("id" uuid not null, "token_hash" text not null, "family_id" uuid not null, "created_at" timestamptz not null default now(), "expires_at" timestamptz not null, "rotated_at" timestamptz null, "replaced_by" uuid null, constraint "oauth_refresh_tokens_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "oauth_refresh_tokens" add constraint "oauth_refresh_tokens_token_hash_unique" unique ("token_hash");`,
    );
    this.addSql(`create index "oauth_refresh_tokens_expires_at_index" on "oauth_refresh_tokens" ("expires_at");`);
    this.addSql(`create index "oauth_refresh_tokens_family_id_index" on "oauth_refresh_tokens" ("family_id");`);

    this.addSql(
      `alter table "oauth_refresh_token_families" add constraint "oauth_refresh_token_families_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "oauth_refresh_tokens" add constraint "oauth_refresh_tokens_family_id_foreign" foreign key ("family_id") references "oauth_refresh_token_families" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "oauth_refresh_tokens" drop constraint "oauth_refresh_tokens_family_id_foreign";`);

    this.addSql(`drop table if exists "rate_limit_counters" cascade;`);

    this.addSql(`drop table if exists "oauth_refresh_token_families" cascade;`);

    this.addSql(`drop table if exists "oauth_refresh_tokens" cascade;`);
  }
}
