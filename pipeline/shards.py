"""The sharded generate variant (sharded/dvc.yaml): one shard per DVC stage, then a merge.

Shard k of n holds the contiguous index range `shard_range(total, n, k)` and
goes to `shards/<name>-0000k-of-0000n.jsonl` beside `generate.out` (by default
data/shards/generated-00001-of-00004.jsonl), so shards never overwrite the
unsharded file and DVC caches each one on its own; the merge goes to
`merged/<name>` beside it.
Because every item is a pure function of (params, index), the merge
(`pipeline.gen.shards.merge_shards`: item lines copied verbatim, in shard order,
under the unsharded header) is byte-identical to an unsharded run.

    python -m pipeline.shards generate --num-shards 4 --shard-index 1 [--params P]
    python -m pipeline.shards merge --num-shards 4 [--params P] [--out FILE]

The shard count comes from the command line, not params.yaml, so the same
params file drives the default pipeline and any shard layout.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

from pipeline.cli import add_params, command_parser
from pipeline.gen.shards import merge_shards, run
from pipeline.parallel import shard_path, shard_range
from pipeline.params import Params, ParamsError, load_params
from pipeline.records import RecordError

SHARDS_DIR = "shards"
MERGED_DIR = "merged"


def shard_params(params: Params, num_shards: int, shard_index: int) -> Params:
    """The params of one shard: the same set, its own slice, its base path under data/shards/."""
    if num_shards < 1:
        raise ParamsError(f"--num-shards: {num_shards} must be at least 1")
    try:
        shard_range(params.generate.total, num_shards, shard_index)
    except ValueError as exc:
        raise ParamsError(f"--shard-index: {exc}") from exc
    base = Path(params.generate.out)
    out = str(base.parent / SHARDS_DIR / base.name)
    generate = dataclasses.replace(
        params.generate, num_shards=num_shards, shard_index=shard_index, out=out
    )
    return dataclasses.replace(params, generate=generate)


def shard_files(params: Params, num_shards: int) -> list[str]:
    """The ranked files of every shard, in shard order."""
    base = shard_params(params, num_shards, 0).generate.out
    return [shard_path(base, num_shards, k) for k in range(num_shards)]


def merged_path(params: Params) -> str:
    base = Path(params.generate.out)
    return str(base.parent / MERGED_DIR / base.name)


def main(argv: list[str] | None = None) -> int:
    parser = command_parser("python -m pipeline.shards", __doc__)
    parser.add_argument("command", choices=("generate", "merge"))
    add_params(parser)
    parser.add_argument("--num-shards", type=int, required=True)
    parser.add_argument("--shard-index", type=int, default=0, help="generate: which shard")
    parser.add_argument(
        "--out", help="merge: the merged file (default merged/<name> beside generate.out)"
    )
    args = parser.parse_args(argv)
    try:
        params = load_params(args.params)
        if args.command == "generate":
            out, count = run(shard_params(params, args.num_shards, args.shard_index))
        else:
            out = args.out or merged_path(params)
            count = merge_shards(shard_files(params, args.num_shards), out)
    except (ParamsError, RecordError, ValueError, OSError) as exc:
        print(f"shards: error: {exc}", file=sys.stderr)
        return 2
    print(f"shards: {args.command}: {count} items -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
