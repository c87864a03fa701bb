"""Plot data for `dvc plots`: aggregated counts, never one row per item.

Four row lists are written under `verify.plots_dir`, each as long as its
cells or buckets, so `metrics/plots/` stays a few KB at any number of items:

- stratification.json: items per scenario x complexity cell, every planned
  cell included (0 when empty);
- f1_per_tool.json: lax and strict macro integration F1 per tool, a row each;
- span_lengths.json: spans per length in tokens and kind (drawn on a log
  axis: the two-token tool names outnumber every other length);
- sequence_lengths.json: training sequences per length bucket between the
  common `max_length` values (512 ... 8192), with the share longer than each.

The Vega-Lite templates are in `.dvc/plots/` (DVC's template directory,
named in dvc.yaml); `PLOTS` holds the same declarations for the PNG renderer.
`dvc plots show` loads Vega from the copies in docs/plots/vendor/ (the HTML
template and output directory are set in .dvc/config), so it works offline;
docs/plots.md says how to check the page in a headless browser. Without a
browser:

    python -m pipeline.gates.plots --png build/plots

renders the same templates and data to PNG files with vl-convert.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from dvc_render.exceptions import DvcRenderError

from pipeline.cli import add_params, command_parser
from pipeline.gates.stats import MAX_LENGTHS, SetStats, length_bucket
from pipeline.gen.plan import COMPLEXITIES, SCENARIOS
from pipeline.params import ParamsError, load_params
from pipeline.records import write_json

SPAN_KINDS = ("name", "args", "call", "integration")
TEMPLATES = ".dvc/plots"


@dataclass(frozen=True)
class Plot:
    template: str  # a file in TEMPLATES
    x: str
    y: str
    title: str
    x_label: str
    y_label: str


# Declared the same way in dvc.yaml (a test holds the two together).
PLOTS = {
    "stratification": Plot(
        "heatmap_count", "complexity", "scenario", "Items per scenario x complexity",
        "complexity", "scenario",
    ),
    "f1_per_tool": Plot(
        "f1_per_tool", "f1", "tool", "Integration F1 per tool: lax and strict (macro)",
        "macro F1", "tool",
    ),
    "span_lengths": Plot(
        "counts_log_y", "tokens", "spans", "Span lengths in tokens, per kind",
        "span length (tokens)", "spans",
    ),
    "sequence_lengths": Plot(
        "length_buckets", "bucket", "items",
        "Training sequence length: items per bucket, share longer than its max_length",
        "sequence length (tokens)", "items",
    ),
}  # fmt: skip
FILES = tuple(PLOTS)


def _order(value: str, known: tuple[str, ...]) -> tuple[int, str]:
    return (known.index(value) if value in known else len(known), value)


def stratification_rows(stats: SetStats) -> list[dict[str, Any]]:
    """One row per cell: every planned cell, then any other cell the data has."""
    cells = {(s, c): 0 for s in SCENARIOS for c in COMPLEXITIES} | dict(stats.cells)
    ordered = sorted(cells, key=lambda sc: (_order(sc[0], SCENARIOS), _order(sc[1], COMPLEXITIES)))
    return [{"scenario": s, "complexity": c, "items": cells[(s, c)]} for s, c in ordered]


def f1_rows(per_tool: dict[str, dict[str, float]]) -> list[dict[str, Any]]:
    return [
        {"tool": tool, "kind": kind, "f1": figures[f"{kind}_macro"], "items": int(figures["items"])}
        for tool, figures in sorted(per_tool.items())
        for kind in ("lax", "strict")
    ]


def span_length_rows(stats: SetStats) -> list[dict[str, Any]]:
    """One row per (length, kind) that has spans: a log axis has no zero."""
    return [
        {"tokens": length, "kind": kind, "spans": count}
        for (kind, length), count in sorted(
            stats.span_lengths.items(), key=lambda kv: (kv[0][1], _order(kv[0][0], SPAN_KINDS))
        )
        if count
    ]


def sequence_length_rows(stats: SetStats) -> list[dict[str, Any]]:
    """One row per bucket (1-512, 513-1024, ..., 8193+): its items, and how many
    (and what share of all sequences) are longer than its max_length, the
    bucket's upper end: what a trainer with that max_length truncates or drops."""
    counts = [0] * (len(MAX_LENGTHS) + 1)
    for length, items in stats.sequence_lengths.items():
        counts[length_bucket(length)] += items
    total = sum(counts)
    lowers = (1, *(m + 1 for m in MAX_LENGTHS))
    rows = []
    for i, items in enumerate(counts):
        longer = sum(counts[i + 1 :])
        bucket = f"{lowers[i]}-{MAX_LENGTHS[i]}" if i < len(MAX_LENGTHS) else f"{lowers[i]}+"
        rows.append(
            {
                "bucket": bucket,
                "max_length": MAX_LENGTHS[i] if i < len(MAX_LENGTHS) else 0,  # 0: none holds it
                "items": items,
                "longer": longer,
                "share_longer": round(longer / total, 6) if total else 0.0,
            }
        )
    return rows


def write_plots(directory: str, stats: SetStats, per_tool: dict[str, Any]) -> None:
    out = Path(directory)
    write_json(out / "stratification.json", stratification_rows(stats))
    write_json(out / "f1_per_tool.json", f1_rows(per_tool))
    write_json(out / "span_lengths.json", span_length_rows(stats))
    write_json(out / "sequence_lengths.json", sequence_length_rows(stats))


def vega_specs(
    data: dict[str, list[dict[str, Any]]], templates: str = TEMPLATES
) -> dict[str, dict[str, Any]]:
    """Vega-Lite specs of the plots, filled by DVC's own renderer from the
    templates DVC uses, so the PNGs show what `dvc plots show` shows."""
    from dvc_render.vega import VegaRenderer

    specs = {}
    for name, plot in PLOTS.items():
        renderer = VegaRenderer(
            data[name],
            name,
            template=plot.template,
            template_dir=templates,
            x=plot.x,
            y=plot.y,
            title=plot.title,
            x_label=plot.x_label,
            y_label=plot.y_label,
        )
        specs[name] = renderer.get_filled_template()
    return specs


def render_png(plots_dir: str, out_dir: str, templates: str = TEMPLATES) -> list[Path]:
    import vl_convert

    data = {name: orjson.loads((Path(plots_dir) / f"{name}.json").read_bytes()) for name in FILES}
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, spec in vega_specs(data, templates).items():
        path = out / f"{name}.png"
        path.write_bytes(vl_convert.vegalite_to_png(spec, scale=2))
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = command_parser("python -m pipeline.gates.plots", __doc__)
    parser.add_argument("--png", required=True, metavar="DIR", help="write PNG files here")
    add_params(parser)
    parser.add_argument("--plots", help="plot data directory (default: verify.plots_dir)")
    parser.add_argument("--templates", default=TEMPLATES, help="Vega-Lite template directory")
    args = parser.parse_args(argv)
    try:
        plots_dir = args.plots or load_params(args.params).verify.plots_dir
        written = render_png(plots_dir, args.png, args.templates)
    except (ParamsError, OSError, orjson.JSONDecodeError, DvcRenderError) as exc:
        print(f"plots: error: {exc}", file=sys.stderr)
        return 2
    for path in written:
        print(f"plots: wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
