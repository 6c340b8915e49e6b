/**
 * The error model every binary parser shares.
 *
 * A parser either returns a result (possibly partial, with `anomalies` describing
 * what it could not read or found suspicious) or throws exactly one kind of error,
 * `BinaryParseError`, carrying the absolute file offset and a reason. Any other
 * exception escaping a parser is a bug: the fuzz tests assert that none does.
 */

export type BinaryFormat = 'elf' | 'macho' | 'pe' | 'binary';

export class BinaryParseError extends Error {
  override readonly name = 'BinaryParseError';
  constructor(
    readonly format: BinaryFormat,
    /** Absolute offset in the source where reading failed. */
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`${format}: ${reason} (at offset 0x${offset.toString(16)})`);
  }
}

/** Something wrong or unusual in a file that did not stop the parse. */
export interface Anomaly {
  /** Absolute offset in the source the anomaly refers to. */
  offset: number;
  /** Stable machine-readable code, e.g. `elf.verneed.loop`. */
  code: string;
  message: string;
}

/**
 * Collects anomalies for one parse. `attempt` runs an optional part of a parse
 * (a table, a note, a signature blob): a BinaryParseError inside it becomes an
 * anomaly and the part's result is `undefined`, so one bad table never hides the
 * rest of the file. Anything else is rethrown: it is a bug, not bad input.
 */
export class AnomalyLog {
  readonly items: Anomaly[] = [];
  /** Beyond this many, further anomalies are counted but not kept. */
  private static readonly MAX = 200;
  private dropped = 0;

  add(offset: number, code: string, message: string): void {
    if (this.items.length < AnomalyLog.MAX) this.items.push({ offset, code, message });
    else this.dropped++;
  }

  attempt<T>(code: string, part: () => T): T | undefined {
    try {
      return part();
    } catch (e) {
      if (!(e instanceof BinaryParseError)) throw e;
      if (e.reason === WORK_BUDGET_EXCEEDED) throw e;
      this.add(e.offset, code, e.reason);
      return undefined;
    }
  }

  /** The anomalies, with a closing note when some were dropped. */
  list(): Anomaly[] {
    if (this.dropped === 0) return this.items;
    return [...this.items, { offset: 0, code: 'anomalies.truncated', message: `${this.dropped} more anomalies not listed` }];
  }
}

export const WORK_BUDGET_EXCEEDED = 'work budget exceeded';
