import { Migration } from '@mikro-orm/migrations';

export class Migration20261204223038_jobs_and_mail extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "jobs" ("id" bigserial primary key, "name" text not null, "payload" jsonb not null, "state" text check ("state" in ('queued', 'active', 'done', 'failed')) not null default 'queued', "attempts" int not null default 0, "max_attempts" int null, "run_at" timestamptz not null default now(), "locked_until" timestamptz null, "locked_by" text null, "singleton_key" text null, "last_error" text null, "created_at" timestamptz not null default now(), "finished_at" timestamptz null);`,
    );
    this.addSql(
      `create unique index "jobs_fresh_singleton_key_unique" on "jobs" ("singleton_key") where "state" = 'queued' and "attempts" = 0;`,
    );
    this.addSql(`create index "jobs_finished_at_index" on "jobs" ("finished_at") where "state" in ('done', 'failed');`);
    this.addSql(`create index "jobs_active_locked_until_index" on "jobs" ("locked_until") where "state" = 'active';`);
    this.addSql(`create index "jobs_queued_run_at_index" on "jobs" ("run_at", "id") where "state" = 'queued';`);

    this.addSql(
      `create table "mail_deliveries" ("key" text not null, "recipient" text not null, "subject" text not null, "sent_at" timestamptz not null default now(), constraint "mail_deliveries_pkey" primary key ("key"));`,
    );
    this.addSql(`create index "mail_deliveries_sent_at_index" on "mail_deliveries" ("sent_at");`);

    this.addSql(`alter table "users" add column "email_notifications" boolean not null default true;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "jobs" cascade;`);

    this.addSql(`drop table if exists "mail_deliveries" cascade;`);

    this.addSql(`alter table "users" drop column "email_notifications";`);
  }
}
