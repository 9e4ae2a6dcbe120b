/**
 * Makes the 3D (plotly) charts of an exported notebook interactive in its standalone HTML.
 * nbconvert's HTML shows the static PNG of a plotly output; this swaps each such image for a
 * live plotly.js figure (plotly.js-dist, copied once next to the HTML). If the script cannot
 * load, the PNG stays, so the page never shows less than before.
 */
import * as fs from "fs";
import * as path from "path";
import { PLOTLY_MIME } from "../display/show";
import type { Notebook } from "./notebook";

export const PLOTLY_SCRIPT = "plotly.js";

/** JSON that is safe inside a <script> element. */
function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

const LOADER = `<script src="${PLOTLY_SCRIPT}"></script>
<script>
/* seqlab: replace each 3D chart's static PNG by the interactive plotly figure. */
(function () {
  if (!window.Plotly) return;
  document.querySelectorAll(".seqlab-plotly").forEach(function (holder) {
    var figure = JSON.parse(document.getElementById(holder.id + "-figure").textContent);
    holder.innerHTML = "";
    window.Plotly.newPlot(holder, figure.data, figure.layout);
  });
})();
</script>
`;

/**
 * Rewrites `html` so each plotly output's PNG becomes a holder for its interactive figure.
 * Returns the new HTML and how many figures were made interactive.
 */
export function withInteractivePlotly(html: string, notebook: Pick<Notebook, "cells">): { html: string; figures: number } {
  let figures = 0;
  for (const cell of notebook.cells) {
    for (const output of cell.outputs ?? []) {
      const figure = output.data?.[PLOTLY_MIME];
      const png = output.data?.["image/png"];
      if (!figure || typeof png !== "string") continue;
      const at = html.indexOf(png.trim());
      const imgStart = at < 0 ? -1 : html.lastIndexOf("<img", at);
      const imgEnd = at < 0 ? -1 : html.indexOf(">", at);
      if (imgStart < 0 || imgEnd < 0) continue;
      const id = `seqlab-plotly-${++figures}`;
      const image = html.slice(imgStart, imgEnd + 1);
      const replacement =
        `<div class="seqlab-plotly" id="${id}">${image}</div>` +
        `<script type="application/json" id="${id}-figure">${scriptSafeJson(figure)}</script>`;
      html = html.slice(0, imgStart) + replacement + html.slice(imgEnd + 1);
    }
  }
  if (figures > 0) {
    const bodyEnd = html.lastIndexOf("</body>");
    html = bodyEnd < 0 ? html + LOADER : html.slice(0, bodyEnd) + LOADER + html.slice(bodyEnd);
  }
  return { html, figures };
}

/** Applies withInteractivePlotly to an exported HTML file; copies plotly.js beside it if needed. */
export function makePlotlyInteractive(htmlPath: string, notebook: Pick<Notebook, "cells">): number {
  const { html, figures } = withInteractivePlotly(fs.readFileSync(htmlPath, "utf8"), notebook);
  if (figures === 0) return 0;
  fs.writeFileSync(htmlPath, html);
  const script = path.join(path.dirname(htmlPath), PLOTLY_SCRIPT);
  const source = require.resolve("plotly.js-dist");
  if (!fs.existsSync(script) || fs.statSync(script).size !== fs.statSync(source).size) fs.copyFileSync(source, script);
  return figures;
}
