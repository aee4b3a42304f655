import { UsageError } from '../errors.js';

/** Collects `$n` placeholders for numbers and instants, typed so PostgreSQL never does integer division. */
export class SqlParams {
  readonly values: Array<number | string | string[]> = [];
  constructor(private readonly first = 1) {}

  get next(): number {
    return this.first + this.values.length;
  }

  num(v: number): string {
    if (!Number.isFinite(v)) throw new UsageError(`non-finite SQL parameter ${v}`);
    this.values.push(v);
    return `$${this.next - 1}::double precision`;
  }

  timestamp(v: Date): string {
    if (Number.isNaN(v.getTime())) throw new UsageError('invalid date parameter');
    this.values.push(v.toISOString());
    return `$${this.next - 1}::timestamptz`;
  }

  /** Whole numbers (ids) as a bigint[]; each must be a non-negative decimal integer. */
  bigints(v: ReadonlyArray<number | string>): string {
    const ids = v.map((x) => String(x));
    for (const id of ids) if (!/^\d{1,18}$/.test(id)) throw new UsageError(`not an id: ${JSON.stringify(id)}`);
    this.values.push(ids);
    return `$${this.next - 1}::bigint[]`;
  }

  textArray(v: readonly string[]): string {
    this.values.push([...v]);
    return `$${this.next - 1}::text[]`;
  }

  text(v: string): string {
    this.values.push(v);
    return `$${this.next - 1}::text`;
  }
}
