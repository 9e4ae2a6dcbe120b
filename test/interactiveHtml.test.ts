import { test } from "node:test";
import assert from "node:assert/strict";
import { withInteractivePlotly } from "../src/tools/interactiveHtml";

/** A code cell with one display_data output holding `data`. */
const cellShowing = (data: Record<string, unknown>) => ({ cell_type: "code", metadata: {}, source: "", outputs: [{ output_type: "display_data", data }] });

const figure = { data: [{ type: "scatter3d", x: [1], y: [2], z: [3], text: ["</script>"] }], layout: {} };

test("a plotly output's PNG becomes a live figure holder that keeps the PNG as fallback", () => {
  const html = `<html><body><p>before</p><img src="data:image/png;base64,AAAA"\n><img src="data:image/png;base64,BBBB"></body></html>`;
  const notebook = {
    cells: [
      cellShowing({ "image/png": "AAAA", "application/vnd.vegalite.v5+json": {} }),
      cellShowing({ "image/png": "BBBB", "application/vnd.plotly.v1+json": figure }),
    ],
  };
  const { html: out, figures } = withInteractivePlotly(html, notebook);
  assert.equal(figures, 1);
  assert.ok(out.includes('<img src="data:image/png;base64,AAAA"\n>'), "a vega-lite chart's PNG is left alone");
  assert.ok(out.includes('<div class="seqlab-plotly" id="seqlab-plotly-1"><img src="data:image/png;base64,BBBB"></div>'));
  assert.ok(out.includes('"text":["\\u003c/script>"]'), "the figure JSON cannot close its script element");
  assert.ok(out.indexOf('<script src="plotly.js"></script>') < out.indexOf("</body>"));
});

test("HTML without plotly outputs is returned unchanged", () => {
  const html = "<html><body><img src=\"data:image/png;base64,AAAA\"></body></html>";
  assert.deepEqual(withInteractivePlotly(html, { cells: [cellShowing({ "image/png": "AAAA" })] }), { html, figures: 0 });
});
