"""Stage `generate`: params.yaml -> data/generated.jsonl (header + one item per line).

python -m pipeline.generate [--params FILE]          this params' shard
python -m pipeline.generate [--params FILE] --merge  join all shards into generate.out
"""

from __future__ import annotations

import sys
import time

from pipeline.cli import add_params, command_parser
from pipeline.parallel import shard_path
from pipeline.params import DEFAULT_PARAMS, ParamsError, load_params
from pipeline.records import RecordError
from pipeline.student import TokenizerError


def main(argv: list[str] | None = None) -> int:
    parser = command_parser("python -m pipeline.generate", __doc__)
    add_params(parser, str(DEFAULT_PARAMS))
    parser.add_argument(
        "--merge", action="store_true", help="merge the num_shards shard files into generate.out"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        params = load_params(args.params)
        gen = params.generate
        if args.merge:
            from pipeline.gen.shards import merge_shards

            paths = [shard_path(gen.out, gen.num_shards, i) for i in range(gen.num_shards)]
            count = merge_shards(paths, gen.out)
            out = gen.out
        else:
            # No tokenizer preload: a lower bound usually settles the long-context
            # prompts' token counts, and the tokenizer loads only if one needs it.
            from pipeline.gen.shards import run

            out, count = run(params)
    except (ParamsError, RecordError, TokenizerError) as exc:
        print(f"generate: error: {exc}", file=sys.stderr)
        return 2
    seconds = time.perf_counter() - started
    # Timing goes to stderr only: it must never reach an output file.
    print(f"generate: {count} items -> {out} in {seconds:.2f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
