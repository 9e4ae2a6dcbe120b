import { test } from "node:test";
import assert from "node:assert/strict";
import { initBackend } from "../../src/backend";
import { countBag } from "../../src/sequences/bagging";
import { bagTensor, idsTensor, labelsTensor } from "../../src/sequences/tensors";

test("idsTensor, bagTensor and labelsTensor check their input", async () => {
  await initBackend({ quiet: true });
  const ids = idsTensor([[1, 2], [3, 0]]);
  assert.deepEqual([ids.shape, ids.dtype], [[2, 2], "int32"]);
  ids.dispose();
  assert.throws(() => idsTensor([[1, 2], [3]]), { message: "ids is ragged: row 1 has 1 entries, row 0 has 2" });
  assert.throws(() => idsTensor([[1, 2], [3, "4" as unknown as number]]), { message: 'ids[1][1] must be an integer id, got "4"' });
  assert.throws(() => labelsTensor([0, 2]), { message: "labels[1] must be 0 or 1, got 2" });
  const bag = bagTensor(countBag([[1, 1]], 3));
  assert.deepEqual(Array.from(bag.dataSync()), [0, 2, 0]);
  bag.dispose();
});
