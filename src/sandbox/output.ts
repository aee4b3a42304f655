/** Keeps the last `cap` characters of a stream; output over the cap is dropped from the front. */
export class TailBuffer {
  private chunks: string[] = [];
  private length = 0;
  truncated = false;

  constructor(private readonly cap: number) {}

  push(chunk: string): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
    if (this.length > this.cap * 2) this.compact();
  }

  private compact(): void {
    const all = this.chunks.join('');
    if (all.length > this.cap) {
      this.truncated = true;
      this.chunks = [all.slice(all.length - this.cap)];
      this.length = this.cap;
    } else {
      this.chunks = [all];
      this.length = all.length;
    }
  }

  toString(): string {
    this.compact();
    return this.chunks.join('');
  }
}
