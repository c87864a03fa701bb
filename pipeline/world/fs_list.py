"""fs.list: the files under a directory, filtered and sorted as the call asks.

- Only files are listed (not directories), as paths relative to the workspace.
- Without ``recursive`` only the directory's own files; with it, files down to
  ``max_depth`` levels (1 = the directory's own files), every level without it.
- Hidden entries (a path component starting with ``.``) are skipped, as ``ls`` does.
- ``pattern`` is a glob on the file name (case-sensitive), ``extensions`` the
  name's extension without the dot, ``size`` an inclusive byte range.
- ``sort``: ``name`` (the default) ascending; ``size`` largest first and
  ``mtime`` newest first, as ``ls -S`` and ``ls -t`` do; ties by path.
- At most LIMIT entries come back; ``count`` is every match and ``truncated``
  says when the listing was cut.
- A symbolic link is listed under its own path with its target's ``size`` and
  ``modified``, as ``os.stat`` (``ls -lL``) reports them: a listing that filters
  and sorts by what the link points at (as ``fs.read`` follows it) shows both
  values of the same file, never the target's size beside the link's own date.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

from pipeline.world.model import File, World
from pipeline.world.paths import Refused, extension, hidden, is_dir, normalize, resolve, under

NAME = "fs.list"
LIMIT = 50


def _keep(relative: str, f: File, args: dict[str, Any], depth: int | None) -> bool:
    if hidden(relative) or (depth is not None and relative.count("/") >= depth):
        return False
    name = relative.rsplit("/", 1)[-1]
    if "pattern" in args and not fnmatchcase(name, args["pattern"]):
        return False
    if "extensions" in args and extension(name) not in args["extensions"]:
        return False
    size = args.get("size")
    return not size or size.get("min_bytes", 0) <= f.size <= size.get("max_bytes", f.size)


def execute(world: World, args: dict[str, Any], *, own_link_dates: bool = False) -> dict[str, Any]:
    """The listing. `own_link_dates`: a link's own date beside its target's size, as
    datasets before 2.2.0 recorded it; verify's replay accepts those files with it."""
    try:
        directory = normalize(args["dir"])
    except Refused as exc:
        return {"ok": False, "error": str(exc)}
    if directory in world.files:
        return {
            "ok": False,
            "error": f"NotADirectoryError: [Errno 20] Not a directory: {args['dir']!r}",
        }
    if not is_dir(world.files, directory):
        return {
            "ok": False,
            "error": f"FileNotFoundError: [Errno 2] No such file or directory: {args['dir']!r}",
        }
    depth = (args.get("max_depth") if args.get("recursive") else 1) or None
    entries: list[dict[str, Any]] = []
    for relative, f in under(world.files, directory):
        target = resolve(world.files, f.path)
        shown = target or f
        if _keep(relative, shown, args, depth):
            modified = f.modified if own_link_dates else shown.modified
            entries.append({"path": f.path, "size": shown.size, "modified": modified})
    order = args.get("sort", "name")
    if order == "size":
        entries.sort(key=lambda e: (-e["size"], e["path"]))
    elif order == "mtime":
        # A stable sort: ties keep the path order `under` gave them.
        entries.sort(key=lambda e: e["modified"], reverse=True)
    result: dict[str, Any] = {"ok": True, "dir": directory, "count": len(entries)}
    result["results"] = entries[:LIMIT]
    if len(entries) > LIMIT:
        result["truncated"] = True
    return result
