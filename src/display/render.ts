/**
 * Static rendering of vega-lite charts in Node: vega-lite -> vega -> SVG -> PNG.
 * vega 5 / vega-lite 5 are the CommonJS lines that load in tslab (6.x is ESM-only).
 */
import * as fs from "fs";
import { Resvg } from "@resvg/resvg-js";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

/** PNGs are drawn at twice the chart's CSS size so they stay sharp on high-DPI screens. */
export const PNG_SCALE = 2;

const FONT_DIRS = ["/usr/share/fonts", "/usr/local/share/fonts", "/Library/Fonts", "C:\\Windows\\Fonts"].filter((dir) =>
  fs.existsSync(dir),
);

export interface RenderedChart {
  svg: string;
  png: Buffer;
  /** CSS size of the chart in pixels (the PNG is PNG_SCALE times larger). */
  width: number;
  height: number;
}

/** Renders a vega-lite spec to SVG and PNG. */
export async function renderVegaLite(spec: TopLevelSpec): Promise<RenderedChart> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  try {
    const svg = await view.toSVG();
    const width = Number(/<svg[^>]*\bwidth="([\d.]+)"/.exec(svg)?.[1] ?? 0);
    const height = Number(/<svg[^>]*\bheight="([\d.]+)"/.exec(svg)?.[1] ?? 0);
    const png = new Resvg(svg, {
      fitTo: { mode: "zoom", value: PNG_SCALE },
      background: "white",
      font: {
        loadSystemFonts: true,
        fontDirs: FONT_DIRS,
        defaultFontFamily: "DejaVu Sans",
        sansSerifFamily: "DejaVu Sans",
      },
    })
      .render()
      .asPng();
    return { svg, png, width, height };
  } finally {
    view.finalize();
  }
}
