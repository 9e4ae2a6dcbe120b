/** The plain-value codec: what crosses the sandbox wall comes back as exactly the data that went in, and never as code. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { decode, encode, UnreadableValue } from "../../src/tools/grading/values";

const roundTrip = (value: unknown) => decode(JSON.parse(JSON.stringify(encode(value))));

test("numbers (NaN, ±Infinity, -0), undefined, bigint, strings, nested arrays and objects survive JSON", () => {
  const value = { a: [1, NaN, Infinity, -Infinity, -0, undefined, null], b: "text", c: { d: 12345678901234567890n, e: true } };
  assert.deepStrictEqual(roundTrip(value), value);
  assert.ok(Object.is((roundTrip(-0) as number), -0));
});

test("typed arrays and tensors keep their type, shape and values", () => {
  assert.deepStrictEqual(roundTrip(new Float32Array([1.5, -2])), new Float32Array([1.5, -2]));
  const tensor = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
  assert.deepStrictEqual(roundTrip(tensor), [[1, 2, 3], [4, 5, 6]]);
  const rebuilt = decode(encode(tensor), { tensor: (values, shape, dtype) => tf.tensor(values as number[], shape, dtype as "float32") }) as tf.Tensor;
  assert.deepEqual(rebuilt.shape, [2, 3]);
  assert.deepEqual(Array.from(rebuilt.dataSync()), [1, 2, 3, 4, 5, 6]);
  tensor.dispose();
  rebuilt.dispose();
});

test("functions, cycles, symbols and class instances are refused with what they are", () => {
  assert.throws(() => encode(() => 1), (e: unknown) => e instanceof UnreadableValue && /a function/.test(e.message));
  const cycle: unknown[] = [];
  cycle.push(cycle);
  assert.throws(() => encode(cycle), /contains itself/);
  assert.throws(() => encode(Symbol("s")), /a symbol/);
  assert.throws(() => encode(new Map()), /an instance of Map/);
});

test("decoding builds only plain data: a __proto__ key stays an own property and pollutes nothing", () => {
  const decoded = decode(JSON.parse('{"$o": {"__proto__": {"$o": {"polluted": true}}, "x": 1}}')) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(decoded), Object.prototype);
  assert.ok(Object.prototype.hasOwnProperty.call(decoded, "__proto__"));
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(decoded.x, 1);
});

test("special numbers are only the four; elements of typed arrays and tensors are only numbers (and strings), never nested values", () => {
  // Looked up with `in`, "toString", "constructor" and "__proto__" decoded to a function, Object and Object.prototype.
  for (const name of ["toString", "constructor", "__proto__", "valueOf"]) assert.throws(() => decode({ $n: name }), UnreadableValue, name);
  // A zero-size tensor of shape [4e8, 0] inside a typed array or tensor was built as 400 million nested arrays.
  const bomb = { $t: [[400_000_000, 0], "float32", []] };
  assert.throws(() => decode({ $a: ["Float32Array", [bomb]] }), /malformed value from the sandbox \(typed array element\)/);
  assert.throws(() => decode({ $t: [[1], "float32", [bomb]] }), /malformed value from the sandbox \(tensor values\)/);
  assert.throws(() => decode(bomb), /malformed value from the sandbox \(tensor of shape \[400000000, 0\]\)/);
  assert.deepEqual((decode(bomb, { tensor: (values, shape) => ({ values, shape }) }) as { shape: number[] }).shape, [400_000_000, 0]);
  assert.deepStrictEqual(decode({ $a: ["Float64Array", [1, { $n: "NaN" }, { $n: "-0" }]] }), new Float64Array([1, NaN, -0]));
  assert.deepStrictEqual(decode({ $t: [[2], "string", ["a", "b"]] }), ["a", "b"]);
});

test("malformed data from the sandbox is refused, not guessed at", () => {
  for (const bad of ['{"$t": [[2], "float32", [1]]}', '{"$n": "1e999"}', '{"$x": 1}', '{"$o": 1}', '{"a": 1, "b": 2}', '{"$b": "1; drop"}']) {
    assert.throws(() => decode(JSON.parse(bad)), UnreadableValue, bad);
  }
});
