"""Find and read inputs, turning every way a path can fail into one clear sentence."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from archiver.errors import InputError

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
STDIN = "-"


@dataclass(frozen=True)
class InputItem:
    """One input: ``path`` is None for stdin; ``error`` is set when it was unusable.

    ``key`` names the document in an archive: the path relative to the directory the
    user named (or the file name alone), so re-ingesting a tree from any working
    directory maps to the same documents.
    """

    source: str
    path: Path | None
    error: str | None = None
    key: str = ""
    in_tree: bool = False  # found by walking a directory: its site is its top directory

    @property
    def name(self) -> str:
        return self.key or self.source


def iter_inputs(arguments: list[str]) -> Iterator[InputItem]:
    """Files as given, directories recursively in sorted order, ``-`` for stdin."""
    for argument in arguments:
        if argument == STDIN:
            yield InputItem(STDIN, None, key=STDIN)
            continue
        path = Path(argument)
        shown = printable(argument)
        if path.is_dir():
            yield from _walk(path)
        elif path.exists() or path.is_symlink():
            yield InputItem(shown, path, _name_error(path.name), key=printable(path.name))
        else:
            yield InputItem(shown, path, "no such file or directory", key=printable(path.name))


def printable(name: str) -> str:
    """A path as text that can be printed and stored: undecodable bytes as \\xNN."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _name_error(name: str) -> str | None:
    """File names that are not valid UTF-8 arrive with surrogate escapes."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return "file name is not valid UTF-8"
    return None


def _walk(root: Path) -> Iterator[InputItem]:
    seen: set[tuple[int, int]] = set()

    def item(path: Path, error: str | None = None) -> InputItem:
        key = printable(path.relative_to(root).as_posix())
        return InputItem(printable(str(path)), path, error or _name_error(str(path)), key=key, in_tree=True)

    def visit(directory: Path) -> Iterator[InputItem]:
        try:
            stat = directory.stat()
        except OSError as error:
            yield item(directory, _describe(error))
            return
        if (stat.st_dev, stat.st_ino) in seen:
            yield item(directory, "symlink loop (directory already visited)")
            return
        seen.add((stat.st_dev, stat.st_ino))
        try:
            entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except OSError as error:
            yield item(directory, _describe(error))
            return
        for entry in entries:
            path = Path(entry.path)
            if entry.name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir()
            except OSError as error:
                yield item(path, _describe(error))
                continue
            if is_dir:
                yield from visit(path)
            else:
                yield item(path)

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


def open_stream(item: InputItem) -> contextlib.AbstractContextManager[BinaryIO]:
    """The input as a binary stream to read line by line, whatever its size (use it
    in a ``with``: standard input is not closed)."""
    if item.error:
        raise InputError(item.error)
    if item.path is None:
        return contextlib.nullcontext(sys.stdin.buffer)
    try:
        if item.path.is_dir():
            raise InputError("is a directory")
        return item.path.open("rb")
    except OSError as error:
        raise InputError(_describe(error)) from error
