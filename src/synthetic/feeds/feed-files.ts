/**
 * @module synthetic/feeds/feed-files
 * The feeds' files: one NDJSON file per resource type per organisation (`<root>/<organisation>/<Type>.ndjson`), with
 * a count of lines for the manifest. Lines are encoded straight into one reusable byte buffer per resource type and
 * appended when a buffer fills or the organisation's part of a chunk is done, so no large string is ever built.
 *
 * A partnership has hundreds of practices, each with several files. They are kept open while the process may hold
 * that many; where it may not (EMFILE), each flush opens, writes and closes its file instead.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const BUFFER_BYTES = 1 << 22;

export interface FileCount {
  readonly organisation: string;
  readonly type: string;
  /** Relative to the feeds' root. */
  readonly path: string;
  readonly count: number;
}

export class FeedFiles {
  readonly #counts = new Map<string, number>();
  readonly #folders = new Set<string>();
  readonly #buffers: Buffer[];
  readonly #used: number[];
  readonly #lines: number[];
  #organisation: string | undefined;
  readonly #open = new Map<string, number>();
  #keepOpen = true;

  /** `types` name the files of each organisation (`<type><extension>`), in the order `line` is given their index. */
  constructor(
    readonly root: string,
    readonly types: readonly string[],
    readonly extension = '.ndjson',
  ) {
    this.#buffers = types.map(() => Buffer.allocUnsafe(BUFFER_BYTES));
    this.#used = types.map(() => 0);
    this.#lines = types.map(() => 0);
  }

  /** Starts appending to an organisation's files (ending the previous organisation's, if any). */
  organisation(key: string): void {
    this.flush();
    this.#organisation = key;
  }

  /** Appends one resource (without its line break) to the current organisation's file of `types[type]`. */
  line(type: number, text: string): void {
    const buffer = this.#buffers[type] as Buffer;
    let used = this.#used[type] as number;
    // Three bytes per UTF-16 unit at most.
    if (used + text.length * 3 + 1 > buffer.length) {
      this.#flushType(type);
      used = 0;
      if (text.length * 3 + 1 > buffer.length) {
        this.#write(type, Buffer.from(`${text}\n`, 'utf8'));
        this.#count(type, 1);
        return;
      }
    }
    used += buffer.write(text, used, 'utf8');
    buffer[used++] = 10;
    this.#used[type] = used;
    this.#lines[type] = (this.#lines[type] as number) + 1;
  }

  /** Writes out everything appended so far. */
  flush(): void {
    for (let type = 0; type < this.types.length; type++) this.#flushType(type);
  }

  #flushType(type: number): void {
    const used = this.#used[type] as number;
    const lines = this.#lines[type] as number;
    if (used > 0) this.#write(type, (this.#buffers[type] as Buffer).subarray(0, used));
    this.#count(type, lines);
    this.#used[type] = 0;
    this.#lines[type] = 0;
  }

  #count(type: number, lines: number): void {
    if (lines === 0 || this.#organisation === undefined) return;
    const key = `${this.#organisation}/${this.types[type] ?? ''}${this.extension}`;
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + lines);
  }

  #write(type: number, data: Buffer): void {
    if (this.#organisation === undefined) throw new Error('FeedFiles.line before FeedFiles.organisation');
    const folder = join(this.root, this.#organisation);
    if (!this.#folders.has(folder)) {
      mkdirSync(folder, { recursive: true });
      this.#folders.add(folder);
    }
    const path = join(folder, `${this.types[type] ?? ''}${this.extension}`);
    const fd = this.#fd(path);
    try {
      let done = 0;
      while (done < data.length) done += writeSync(fd, data, done, data.length - done);
    } finally {
      if (!this.#keepOpen) closeSync(fd);
    }
  }

  #fd(path: string): number {
    const known = this.#open.get(path);
    if (known !== undefined) return known;
    if (!this.#keepOpen) return openSync(path, 'a');
    try {
      const fd = openSync(path, 'a');
      this.#open.set(path, fd);
      return fd;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EMFILE' && code !== 'ENFILE') throw error;
      this.#closeAll();
      this.#keepOpen = false;
      return openSync(path, 'a');
    }
  }

  #closeAll(): void {
    for (const fd of this.#open.values()) closeSync(fd);
    this.#open.clear();
  }

  /** Writes out what is left and closes the files. */
  close(): void {
    this.flush();
    this.#closeAll();
  }

  /** Every file written, by organisation then type. */
  files(): FileCount[] {
    this.flush();
    return [...this.#counts]
      .map(([path, count]) => {
        const slash = path.lastIndexOf('/');
        return {
          organisation: path.slice(0, slash),
          type: path.slice(slash + 1, -'.ndjson'.length),
          path,
          count,
        };
      })
      .sort((a, b) =>
        a.organisation === b.organisation
          ? this.types.indexOf(a.type) - this.types.indexOf(b.type)
          : a.organisation < b.organisation
            ? -1
            : 1,
      );
  }
}
