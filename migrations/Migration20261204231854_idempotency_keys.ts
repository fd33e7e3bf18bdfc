import { Migration } from '@mikro-orm/migrations';

export class Migration20261204231854_idempotency_keys extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "idempotency_keys" ("key" text not null, "owner_id" int not null, "route" text not null, "fingerprint" text not null, "status" int null, "response_body" text null, "created_at" timestamptz not null default now(), constraint "idempotency_keys_pkey" primary key ("key", "owner_id", "route"));`,
    );
    this.addSql(`create index "idempotency_keys_created_at_index" on "idempotency_keys" ("created_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "idempotency_keys" cascade;`);
  }
}
