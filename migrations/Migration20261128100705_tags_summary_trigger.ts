import { Migration } from '@mikro-orm/migrations';

/**
 * Keeps `tags` (name, articles_count) in step with `articles.tag_list` inside the database: on
 * every insert, delete (including cascades from a deleted user) and tag change of an article.
 * Written by hand: schema diffs do not cover functions and triggers.
 */
export class Migration20261128100705_tags_summary_trigger extends Migration {
  override async up(): Promise<void> {
    // One upsert of the net change per tag, in name order: every writer locks tags rows in the
    // same order, so concurrent article writes cannot deadlock on them. (OLD is null on insert and
    // NEW on delete, so unnest yields nothing for the side that does not exist.)
    this.addSql(`
      create function articles_tags_summary() returns trigger language plpgsql as $$
      begin
        insert into tags (name, articles_count)
        select tag, sum(delta)::int
          from (select unnest(new.tag_list) as tag, 1 as delta
                union all
                select unnest(old.tag_list), -1) as changes
         group by tag
        having sum(delta) <> 0
         order by tag
        on conflict (name) do update set articles_count = tags.articles_count + excluded.articles_count;
        return null;
      end
      $$;`);
    this.addSql(`
      create trigger articles_tags_summary
      after insert or delete or update of tag_list on articles
      for each row execute function articles_tags_summary();`);
    // Articles written before this migration.
    this.addSql(`
      insert into tags (name, articles_count)
      select t, count(*) from articles, unnest(tag_list) t group by t
      on conflict (name) do update set articles_count = excluded.articles_count;`);
  }

  override async down(): Promise<void> {
    this.addSql('drop trigger if exists articles_tags_summary on articles;');
    this.addSql('drop function if exists articles_tags_summary();');
    this.addSql('delete from tags;');
  }
}
