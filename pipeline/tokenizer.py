"""Stage `tokenizer`: materialise the student tokenizer into data/tokenizer/."""

from __future__ import annotations

import sys

from pipeline.cli import add_params, command_parser
from pipeline.params import ParamsError, load_params
from pipeline.student import TokenizerError, materialise


def main(argv: list[str] | None = None) -> int:
    parser = command_parser("python -m pipeline.tokenizer", __doc__)
    add_params(parser)
    args = parser.parse_args(argv)
    try:
        params = load_params(args.params).tokenizer
        fp = materialise(params.source, params.out)
    except (ParamsError, TokenizerError) as exc:
        print(f"tokenizer: error: {exc}", file=sys.stderr)
        return 2
    print(f"tokenizer: {fp['id']} sha256={fp['sha256'][:16]}... -> {params.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
