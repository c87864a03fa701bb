"""What a reviewer sees through DVC, with real dvc in a fresh repository: the headline
metrics fit a terminal, the README's `dvc exp show` view fits 120 columns, and
`dvc plots show` renders offline (checked in headless Chromium when it is installed)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from dvc_repo import ROOT, fresh_copy, run

pytestmark = [pytest.mark.slow, pytest.mark.dvc]

# The view README documents, verbatim (a test reads it back from README.md).
VIEW = "Experiment$|(items|calls|pass|failed|f1_lax|f1_strict|span_f1)$|seed$|generate\\.total$"
HEADLINE = ("calls", "f1_lax", "f1_strict", "failed", "items", "pass", "span_f1")
PLOT_NAMES = 4


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 40-item set, and two experiments next to it (another seed, another size)."""
    path = fresh_copy(tmp_path_factory.mktemp("views"))
    params = path / "params.yaml"
    params.write_text(params.read_text("utf-8").replace("  total: 1000\n", "  total: 40\n"))
    run(path, "git", "commit", "-qam", "a 40-item set")
    run(path, "dvc", "repro", "verify")
    run(path, "git", "add", "-A")
    run(path, "git", "commit", "-qm", "repro")
    run(path, "dvc", "exp", "run", "verify", "-n", "seed7", "-S", "seed=7")
    # `dvc exp run` leaves its params in the workspace: the second one states both.
    run(
        path,
        "dvc",
        "exp",
        "run",
        "verify",
        "-n",
        "sixty",
        "-S",
        "seed=42",
        "-S",
        "generate.total=60",
    )
    return path


def _widest(text: str) -> int:
    return max(len(line) for line in text.splitlines())


def test_headline_metrics_fit_a_terminal(repo: Path) -> None:
    markdown = run(repo, "dvc", "metrics", "show", "metrics/verify.json", "--md")
    assert _widest(markdown) <= 200, markdown
    for key in HEADLINE:
        assert f" {key} " in markdown.splitlines()[0], key
    table = run(repo, "dvc", "metrics", "show", "metrics/verify.json", env={"COLUMNS": "200"})
    assert "…" not in table and _widest(table) <= 200, table


def test_readme_exp_show_view_fits_120_columns(repo: Path) -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    assert f"--keep '{VIEW}'" in readme, "README documents another view than the one tested"
    shown = run(repo, "dvc", "exp", "show", "--drop", ".*", "--keep", VIEW, env={"COLUMNS": "120"})
    assert "…" not in shown, shown
    assert _widest(shown) <= 120, shown
    header = next(line for line in shown.splitlines() if "Experiment" in line).split()
    assert header == ["Experiment", *HEADLINE, "seed", "generate.total"], header
    rows = {}
    for line in shown.splitlines():
        parts = line.split()
        name = next((p for p in parts if p.startswith("[")), None)
        if name:
            rows[name] = dict(zip(header[1:], parts[parts.index(name) + 1 :], strict=True))
    assert set(rows) == {"[seed7]", "[sixty]"}, shown
    assert (rows["[seed7]"]["seed"], rows["[seed7]"]["generate.total"]) == ("7", "40")
    assert (rows["[sixty]"]["seed"], rows["[sixty]"]["items"]) == ("42", "60")  # an integer


def test_plots_page_works_offline(repo: Path, tmp_path: Path) -> None:
    out = run(repo, "dvc", "plots", "show")
    page = repo / "docs" / "plots" / "out" / "index.html"
    assert page.as_uri() in out
    html = page.read_text("utf-8")
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert scripts == [f"../vendor/{n}.min.js" for n in ("vega", "vega-lite", "vega-embed")]
    assert html.count("vegaEmbed(") == PLOT_NAMES
    for src in scripts:
        assert (page.parent / src).is_file(), src
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium is not installed: the page was built but not rendered")
    flags = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--virtual-time-budget=10000",
    ]  # fmt: skip
    dom = subprocess.run(
        [browser, *flags, "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip
    # vega-embed draws each plot into a canvas once its spec compiled and rendered.
    canvases = re.findall(r'<canvas width="(\d+)" height="(\d+)" class="marks"', dom)
    assert len(canvases) == PLOT_NAMES, dom[-2000:]
    assert all(int(w) > 100 and int(h) > 100 for w, h in canvases), canvases
    assert '<p id="missing" hidden="">' in dom  # the library loaded: no warning shown
    shot = tmp_path / "plots.png"
    subprocess.run(
        [browser, *flags, f"--screenshot={shot}", "--window-size=1200,1600", page.as_uri()],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    # A blank page compresses to a few KB; four drawn plots do not.
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 30_000
