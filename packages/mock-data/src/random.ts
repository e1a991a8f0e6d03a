// The keyed random generator. Every value is a pure function of (seed, generator version, table, column, row):
// the first four are hashed once into a 64-bit column key (two 32-bit halves), and each row mixes its index
// into that key to get the state it draws from. There is no shared sequential stream, so adding a column
// changes no other column, and any row can be generated alone, on any thread, in any order.
//
// All arithmetic is 32-bit (Math.imul, >>>): no BigInt, which would cost more than the rest of a value.

/** A 64-bit key as two unsigned 32-bit halves. */
export interface Key {
  readonly hi: number;
  readonly lo: number;
}

/** murmur3's 32-bit finaliser: a bijection on 32 bits with full avalanche. */
export function mix32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The key of a list of parts (seed, version, table, column...). Each part is hashed with its type and
 * length so that ("ab", "c") and ("a", "bc") differ; two independent 32-bit lanes give 64 bits.
 */
export function keyOf(...parts: (string | number)[]): Key {
  let hi = 0x6a09e667;
  let lo = 0xbb67ae85;
  const feed = (unit: number) => {
    hi = mix32(Math.imul(hi ^ unit, 0x9e3779b1) + 0x7f4a7c15);
    lo = mix32(Math.imul(lo + unit, 0x85ebca77) ^ 0x165667b1);
  };
  for (const part of parts) {
    if (typeof part === "number") {
      // Integers up to 2^53 exactly; the seed may be any integer, negative included.
      feed(1);
      feed(part >>> 0);
      feed(Math.floor(part / 0x100000000) >>> 0);
    } else {
      feed(2);
      feed(part.length);
      for (let i = 0; i < part.length; i++) feed(part.charCodeAt(i));
    }
  }
  return { hi: mix32(hi ^ lo), lo: mix32(lo + Math.imul(hi, 0x27d4eb2f)) };
}

/**
 * Draws for one (key, row) at a time. One instance is reused for every value (no allocation per value):
 * `at(key, row)` sets the state, then `u32()`, `float()`, `below(n)` draw from it. The state step is
 * mulberry32's; the seeding mixes both key halves and the row so neighbouring rows are unrelated.
 */
export class Draw {
  private state = 0;

  at(key: Key, row: number): this {
    const high = Math.floor(row / 0x100000000);
    this.state = mix32(key.lo ^ mix32((row >>> 0) ^ key.hi) ^ Math.imul(high, 0x9e3779b1));
    return this;
  }

  u32(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1) with 53 bits, so ranges beyond 2^32 (milliseconds over years) stay uniform. */
  float(): number {
    return ((this.u32() >>> 5) * 67108864 + (this.u32() >>> 6)) / 9007199254740992;
  }

  /** Uniform integer in [0, n), n up to 2^53. */
  below(n: number): number {
    return n <= 0x100000000 ? Math.floor((this.u32() / 0x100000000) * n) : Math.floor(this.float() * n);
  }

  /** An element of a non-empty list. */
  pick<T>(list: readonly T[]): T {
    return list[this.below(list.length)] as T;
  }
}

/**
 * A keyed permutation of [0, 2^48): a 4-round Feistel network on two 24-bit halves. Unique values
 * (UUIDs) carry it of the row index, which makes them distinct by construction, not by luck.
 */
export function permute48(key: Key, value: number): number {
  let left = Math.floor(value / 0x1000000) & 0xffffff;
  let right = value % 0x1000000;
  for (let round = 0; round < 4; round++) {
    const f = mix32(right ^ (round & 1 ? key.hi : key.lo) ^ Math.imul(round + 1, 0x9e3779b9)) & 0xffffff;
    const next = left ^ f;
    left = right;
    right = next;
  }
  return left * 0x1000000 + right;
}
