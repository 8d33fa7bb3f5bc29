"""Find and read inputs, turning every way a path can fail into one clear sentence."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from archiver.errors import InputError

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
STDIN = "-"


@dataclass(frozen=True)
class InputItem:
    """One input: ``path`` is None for stdin; ``error`` is set when it was unusable."""

    source: str
    path: Path | None
    error: str | None = None


def iter_inputs(arguments: list[str]) -> Iterator[InputItem]:
    """Files as given, directories recursively in sorted order, ``-`` for stdin."""
    for argument in arguments:
        if argument == STDIN:
            yield InputItem(STDIN, None)
            continue
        path = Path(argument)
        if path.is_dir():
            yield from _walk(path)
        elif path.exists() or path.is_symlink():
            yield InputItem(argument, path)
        else:
            yield InputItem(argument, path, "no such file or directory")


def _walk(root: Path) -> Iterator[InputItem]:
    seen: set[tuple[int, int]] = set()

    def visit(directory: Path) -> Iterator[InputItem]:
        try:
            stat = directory.stat()
        except OSError as error:
            yield InputItem(str(directory), directory, _describe(error))
            return
        if (stat.st_dev, stat.st_ino) in seen:
            yield InputItem(str(directory), directory, "symlink loop (directory already visited)")
            return
        seen.add((stat.st_dev, stat.st_ino))
        try:
            entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except OSError as error:
            yield InputItem(str(directory), directory, _describe(error))
            return
        for entry in entries:
            path = Path(entry.path)
            if entry.name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir()
            except OSError as error:
                yield InputItem(str(path), path, _describe(error))
                continue
            if is_dir:
                yield from visit(path)
            else:
                yield InputItem(str(path), path)

    yield from visit(root)


def _describe(error: OSError) -> str:
    return (error.strerror or str(error)).lower()


def read_input(item: InputItem, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    if item.error:
        raise InputError(item.error)
    if item.path is None:
        data = sys.stdin.buffer.read(max_bytes + 1)
    else:
        try:
            size = item.path.stat().st_size
            if size > max_bytes:
                raise InputError(f"too large ({size:,} bytes; the limit is {max_bytes:,}, see --max-size)")
            with item.path.open("rb") as handle:
                data = handle.read(max_bytes + 1)
        except IsADirectoryError as error:
            raise InputError("is a directory") from error
        except OSError as error:
            raise InputError(_describe(error)) from error
    if len(data) > max_bytes:
        raise InputError(f"too large (over the limit of {max_bytes:,} bytes, see --max-size)")
    return data
