/**
 * Plain values across the sandbox wall. Arguments go into the student's kernel and results come
 * back as JSON text in a tagged form that says exactly what each value is, so decoding never
 * runs code and never builds anything but plain data:
 *
 *   null, booleans, finite numbers, strings   as themselves
 *   arrays                                    as arrays (holes become undefined)
 *   plain objects                             {"$o": {key: value, ...}}
 *   NaN, ±Infinity, -0                        {"$n": "NaN" | "Infinity" | "-Infinity" | "-0"}
 *   undefined                                 {"$u": 1}
 *   bigint                                    {"$b": "123"}
 *   typed arrays                              {"$a": ["Float32Array", [numbers]]}
 *   tensors (anything with shape, dtype and dataSync)  {"$t": [shape, dtype, [numbers | strings]]}
 *
 * Functions, symbols, cycles and objects with a prototype other than Object's or Array's
 * (class instances other than tensors and typed arrays) cannot be encoded: `encode` throws
 * UnreadableValue saying which, and the test that asked for it fails.
 */

export type Tagged = null | boolean | number | string | Tagged[] | { [tag: string]: unknown };

export class UnreadableValue extends Error {
  override name = "UnreadableValue";
}

const TYPED_ARRAYS = ["Float32Array", "Float64Array", "Int8Array", "Int16Array", "Int32Array", "Uint8Array", "Uint8ClampedArray", "Uint16Array", "Uint32Array"] as const;
type TypedArrayName = (typeof TYPED_ARRAYS)[number];

const MAX_DEPTH = 64;

function isTensorLike(value: any): boolean {
  return typeof value?.dataSync === "function" && Array.isArray(value?.shape) && typeof value?.dtype === "string";
}

/** Encodes a value for the wire; throws UnreadableValue for what plain data cannot carry. */
export function encode(value: unknown, depth = 0, seen: Set<object> = new Set()): Tagged {
  if (depth > MAX_DEPTH) throw new UnreadableValue(`nested deeper than ${MAX_DEPTH} levels`);
  switch (typeof value) {
    case "undefined":
      return { $u: 1 };
    case "boolean":
    case "string":
      return value;
    case "number":
      if (Object.is(value, -0)) return { $n: "-0" };
      return Number.isFinite(value) ? value : { $n: String(value) };
    case "bigint":
      return { $b: value.toString() };
    case "function":
      throw new UnreadableValue("a function");
    case "symbol":
      throw new UnreadableValue("a symbol");
  }
  if (value === null) return null;
  const object = value as object;
  if (seen.has(object)) throw new UnreadableValue("a value that contains itself");
  seen.add(object);
  try {
    if (Array.isArray(object)) {
      const out: Tagged[] = [];
      for (let i = 0; i < object.length; i++) out.push(encode(object[i], depth + 1, seen));
      return out;
    }
    if (ArrayBuffer.isView(object) && !(object instanceof DataView)) {
      const name = object.constructor?.name as TypedArrayName;
      if (!TYPED_ARRAYS.includes(name)) throw new UnreadableValue(`a ${name}`);
      return { $a: [name, Array.from(object as unknown as ArrayLike<number>, (n) => encode(n) as Tagged)] };
    }
    if (isTensorLike(object)) {
      const tensor = object as { shape: number[]; dtype: string; dataSync(): ArrayLike<number | string> };
      const values = Array.from(tensor.dataSync(), (v) => encode(v) as Tagged);
      return { $t: [tensor.shape.map(Number), String(tensor.dtype), values] };
    }
    const prototype = Object.getPrototypeOf(object);
    if (prototype !== Object.prototype && prototype !== null) {
      throw new UnreadableValue(`an instance of ${prototype?.constructor?.name ?? "a class"}`);
    }
    const out: Record<string, Tagged> = {};
    for (const key of Object.keys(object)) {
      Object.defineProperty(out, key, { value: encode((object as any)[key], depth + 1, seen), enumerable: true, writable: true, configurable: true });
    }
    return { $o: out };
  } finally {
    seen.delete(object);
  }
}

export interface DecodeOptions {
  /** Builds a tensor from [shape, dtype, values]; without it, tensors decode to nested arrays. */
  tensor?: (values: (number | string)[], shape: number[], dtype: string) => unknown;
}

function nest(values: unknown[], shape: number[]): unknown {
  if (shape.length === 0) return values[0];
  const [size, ...rest] = shape;
  const stride = rest.reduce((a, b) => a * b, 1);
  return Array.from({ length: size }, (_, i) => nest(values.slice(i * stride, (i + 1) * stride), rest));
}

const malformed = (what: string) => new UnreadableValue(`malformed value from the sandbox (${what})`);

const SPECIAL_NUMBERS: Record<string, number> = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity, "-0": -0 };
const own = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key);

/** {"$n": ...}: one of the four special numbers, looked up among the table's own keys only ("toString" is not a number). */
function specialNumber(body: unknown): number {
  if (typeof body !== "string" || !own(SPECIAL_NUMBERS, body)) throw malformed("number");
  return SPECIAL_NUMBERS[body];
}

/**
 * One element of a typed array or tensor: a number (or a special number), or a string for tensors;
 * never a nested value (a nested zero-size tensor of shape [4e8, 0] would otherwise be built as
 * 400 million arrays on the grader's side).
 */
function decodeElement(tagged: unknown, strings: boolean, what: string): number | string {
  if (typeof tagged === "number" || (strings && typeof tagged === "string")) return tagged;
  if (tagged !== null && typeof tagged === "object" && !Array.isArray(tagged) && Object.keys(tagged).length === 1 && own(tagged, "$n")) {
    return specialNumber((tagged as { $n: unknown }).$n);
  }
  throw malformed(what);
}

/** At most this many arrays are built when a tensor is decoded to nested arrays. */
const MAX_NESTED_ARRAYS = 1_000_000;

/** Decodes a tagged value into plain data (and tensors when `options.tensor` is given). */
export function decode(tagged: unknown, options: DecodeOptions = {}, depth = 0): unknown {
  if (depth > MAX_DEPTH + 1) throw malformed("too deep");
  if (tagged === null || typeof tagged === "boolean" || typeof tagged === "string") return tagged;
  if (typeof tagged === "number") return tagged;
  if (Array.isArray(tagged)) return tagged.map((item) => decode(item, options, depth + 1));
  if (typeof tagged !== "object") throw malformed(typeof tagged);
  const keys = Object.keys(tagged);
  if (keys.length !== 1) throw malformed("a tag object with more or fewer than one key");
  const tag = keys[0];
  const body = (tagged as Record<string, unknown>)[tag];
  switch (tag) {
    case "$u":
      return undefined;
    case "$n":
      return specialNumber(body);
    case "$b":
      if (typeof body !== "string" || !/^-?\d+$/.test(body)) throw malformed("bigint");
      return BigInt(body);
    case "$a": {
      if (!Array.isArray(body) || !TYPED_ARRAYS.includes(body[0]) || !Array.isArray(body[1])) throw malformed("typed array");
      const numbers = body[1].map((n: unknown) => decodeElement(n, false, "typed array element"));
      return new (globalThis as any)[body[0] as TypedArrayName](numbers);
    }
    case "$t": {
      if (!Array.isArray(body) || body.length !== 3 || !Array.isArray(body[0]) || typeof body[1] !== "string" || !Array.isArray(body[2])) throw malformed("tensor");
      const shape = body[0] as unknown[];
      if (!shape.every((n) => Number.isInteger(n) && (n as number) >= 0)) throw malformed("tensor shape");
      const values = body[2].map((v: unknown) => decodeElement(v, true, "tensor values"));
      const size = (shape as number[]).reduce((a, b) => a * b, 1);
      if (values.length !== size) throw malformed(`tensor of shape [${shape.join(", ")}] with ${values.length} values`);
      if (options.tensor) return options.tensor(values, shape as number[], body[1]);
      let arrays = 1;
      for (const n of shape as number[]) if ((arrays *= Math.max(n, 1)) > MAX_NESTED_ARRAYS) throw malformed(`tensor of shape [${shape.join(", ")}]`);
      return nest(values, shape as number[]);
    }
    case "$o": {
      if (!body || typeof body !== "object" || Array.isArray(body)) throw malformed("object");
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(body)) {
        // defineProperty: a key named "__proto__" stays an ordinary own property.
        Object.defineProperty(out, key, { value: decode((body as Record<string, unknown>)[key], options, depth + 1), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    default:
      throw malformed(`unknown tag ${JSON.stringify(tag).slice(0, 20)}`);
  }
}
