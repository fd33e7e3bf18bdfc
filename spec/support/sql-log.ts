/**
 * Records the SQL statements MikroORM sends, so specs can assert how many a request costs
 * (the N+1 guard). Fed by the ORM's query logger in the spec environment.
 */
export class SqlLog {
  private statements: string[] = [];

  record(message: string): void {
    if (message.startsWith('[query] ')) this.statements.push(message.slice('[query] '.length));
  }

  clear(): void {
    this.statements = [];
  }

  get count(): number {
    return this.statements.length;
  }

  get all(): readonly string[] {
    return this.statements;
  }
}
