"""One OpenCC converter per configuration per process: building one reads its dictionaries."""

from __future__ import annotations

import functools

import opencc


@functools.cache
def opencc_converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)
