/**
 * SQL text with named placeholders (`where a.slug = :slug`), compiled ONCE into positional text
 * plus the order of its names. Binding is then an array built by name, so a value always
 * travels with the text that uses it, and nothing is parsed per request.
 *
 * Why not knex's `raw(text, { name })`: it re-parses the text and walks nested fragments on every
 * call, which cost ~15 µs of CPU per list request (plus garbage) on the bench. Repositories build
 * their statement variants (filters present, with or without body, ...) as plain text and keep
 * the compiled result in a `NamedSql.cache` keyed by the variant.
 *
 * Quoted strings and identifiers are skipped, and `::type` casts are not names. The positional
 * text uses `?`, the placeholder MikroORM's `em.execute(text, values)` expects, so the text
 * itself must not contain a bare `?` (e.g. the jsonb `?` operator).
 */
export class NamedSql {
  private constructor(
    /** The text with each `:name` replaced by `?`. */
    readonly text: string,
    /** The name behind each `?`, in order; a name used twice appears twice. */
    readonly names: readonly string[],
  ) {}

  static compile(namedText: string): NamedSql {
    const names: string[] = [];
    const text = namedText.replace(TOKENS, (token: string, name: string | undefined, bare: string | undefined) => {
      if (bare !== undefined) {
        throw new Error(`NamedSql: positional "?" in ${JSON.stringify(namedText)}; use :name placeholders`);
      }
      if (name === undefined) return token; // a quoted string or identifier, or a :: cast
      names.push(name);
      return '?';
    });
    return new NamedSql(text, names);
  }

  /**
   * A memo of compiled statements: `build(key)` runs once per key. Keys are few (one per
   * statement variant), so the cache stays small.
   */
  static cache<K>(build: (key: K) => string): (key: K) => NamedSql {
    const compiled = new Map<K, NamedSql>();
    NamedSql.caches.push(compiled);
    return (key: K) => {
      let statement = compiled.get(key);
      if (statement === undefined) {
        statement = NamedSql.compile(build(key));
        compiled.set(key, statement);
      }
      return statement;
    };
  }

  private static readonly caches: Map<unknown, NamedSql>[] = [];

  /**
   * Forgets every compiled statement, so the next use builds its text again. Only for a process
   * whose code changes between uses: mutation testing switches mutants inside one process, and a
   * statement built before the switch would hide the mutated builder (spec/support/global-setup.ts).
   */
  static forgetCompiled(): void {
    for (const compiled of NamedSql.caches) compiled.clear();
  }

  /** The positional values for these named ones. `null` binds NULL; a missing name is a bug. */
  bind(values: object): unknown[] {
    const byName = values as Readonly<Record<string, unknown>>;
    const bound = new Array<unknown>(this.names.length);
    for (let i = 0; i < this.names.length; i++) {
      const value = byName[this.names[i]];
      if (value === undefined) throw new Error(`NamedSql: no value for :${this.names[i]} in ${this.text}`);
      bound[i] = value;
    }
    return bound;
  }
}

/** Quoted text (skipped), `::` casts (skipped), `:name` (group 1), or a bare `?` (group 2). */
const TOKENS = /'(?:[^']|'')*'|"(?:[^"]|"")*"|::|:([A-Za-z_][A-Za-z0-9_]*)|(\?)/g;
