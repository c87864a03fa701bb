"""Plot data for `dvc plots`, and an offline renderer to PNG.

Three row lists are written under `verify.plots_dir`:

- stratification.json: one row per item (scenario, complexity), for DVC's
  `confusion` template, which counts the rows of each cell;
- f1_per_tool.json: lax and strict macro integration F1 per tool;
- span_lengths.json: how many spans have each length in tokens (all kinds,
  and per kind).

DVC's HTML page loads Vega from a CDN. To look at the plots offline:

    python -m pipeline.gates.plots --png build/plots

renders the same data to PNG files with vl-convert (Vega embedded, no network).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import orjson

from pipeline.cli import add_params, command_parser
from pipeline.gates.stats import SetStats
from pipeline.gen.plan import COMPLEXITIES, SCENARIOS
from pipeline.params import ParamsError, load_params
from pipeline.records import write_json

FILES = ("stratification", "f1_per_tool", "span_lengths")
SPAN_KINDS = ("name", "args", "call", "integration")


def _order(value: str, known: tuple[str, ...]) -> tuple[int, str]:
    return (known.index(value) if value in known else len(known), value)


def stratification_rows(stats: SetStats) -> list[dict[str, str]]:
    cells = sorted(
        stats.cells.items(),
        key=lambda kv: (_order(kv[0][0], SCENARIOS), _order(kv[0][1], COMPLEXITIES)),
    )
    return [{"scenario": s, "complexity": c} for (s, c), n in cells for _ in range(n)]


def f1_rows(per_tool: dict[str, dict[str, float]]) -> list[dict[str, Any]]:
    return [
        {
            "tool": tool,
            "f1_lax": figures["lax_macro"],
            "f1_strict": figures["strict_macro"],
            "items": int(figures["items"]),
        }
        for tool, figures in sorted(per_tool.items())
    ]


def span_length_rows(stats: SetStats) -> list[dict[str, int]]:
    lengths = sorted({length for _, length in stats.span_lengths})
    rows = []
    for length in lengths:
        row = {"tokens": length}
        row.update({kind: stats.span_lengths.get((kind, length), 0) for kind in SPAN_KINDS})
        row["count"] = sum(row[kind] for kind in SPAN_KINDS)
        rows.append(row)
    return rows


def write_plots(directory: str, stats: SetStats, per_tool: dict[str, Any]) -> None:
    out = Path(directory)
    write_json(out / "stratification.json", stratification_rows(stats))
    write_json(out / "f1_per_tool.json", f1_rows(per_tool))
    write_json(out / "span_lengths.json", span_length_rows(stats))


def vega_specs(data: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """Vega-Lite specs of the three plots, with the rows inlined."""
    schema = "https://vega.github.io/schema/vega-lite/v5.json"
    heat = {"x": {"field": "complexity", "type": "nominal", "sort": list(COMPLEXITIES)}}
    heat["y"] = {"field": "scenario", "type": "nominal", "sort": list(SCENARIOS)}
    return {
        "stratification": {
            "$schema": schema,
            "title": "Items per scenario x complexity",
            "data": {"values": data["stratification"]},
            "encoding": heat,
            "width": 300,
            "height": 240,
            "layer": [
                {
                    "mark": "rect",
                    "encoding": {
                        "color": {"aggregate": "count", "type": "quantitative", "title": "items"}
                    },
                },
                {
                    "mark": {"type": "text", "color": "black"},
                    "encoding": {"text": {"aggregate": "count", "type": "quantitative"}},
                },
            ],
        },
        "f1_per_tool": {
            "$schema": schema,
            "title": "Integration F1 per tool (lax macro)",
            "data": {"values": data["f1_per_tool"]},
            "mark": "bar",
            "encoding": {
                "y": {"field": "tool", "type": "nominal"},
                "x": {"field": "f1_lax", "type": "quantitative", "scale": {"domain": [0, 1]}},
            },
        },
        "span_lengths": {
            "$schema": schema,
            "title": "Span lengths in tokens",
            "data": {"values": data["span_lengths"]},
            "transform": [{"fold": list(SPAN_KINDS), "as": ["kind", "spans"]}],
            "mark": "bar",
            "encoding": {
                "x": {"field": "tokens", "type": "quantitative", "bin": {"maxbins": 60}},
                "y": {
                    "aggregate": "sum",
                    "field": "spans",
                    "type": "quantitative",
                    "title": "spans",
                },
                "color": {"field": "kind", "type": "nominal"},
            },
        },
    }


def render_png(plots_dir: str, out_dir: str) -> list[Path]:
    import vl_convert

    data = {name: orjson.loads((Path(plots_dir) / f"{name}.json").read_bytes()) for name in FILES}
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, spec in vega_specs(data).items():
        path = out / f"{name}.png"
        path.write_bytes(vl_convert.vegalite_to_png(spec, scale=2))
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = command_parser("python -m pipeline.gates.plots", __doc__)
    parser.add_argument("--png", required=True, metavar="DIR", help="write PNG files here")
    add_params(parser)
    parser.add_argument("--plots", help="plot data directory (default: verify.plots_dir)")
    args = parser.parse_args(argv)
    try:
        plots_dir = args.plots or load_params(args.params).verify.plots_dir
        written = render_png(plots_dir, args.png)
    except (ParamsError, OSError, orjson.JSONDecodeError) as exc:
        print(f"plots: error: {exc}", file=sys.stderr)
        return 2
    for path in written:
        print(f"plots: wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
