/** Collects positional parameters while SQL is built; `add` returns the placeholder ($n). */
export class SqlParams {
  readonly values: unknown[];
  constructor(...initial: unknown[]) {
    this.values = [...initial];
  }
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
