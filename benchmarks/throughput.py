"""Throughput: `archiver clean` against chardet + ftfy.fix_text + OpenCC t2s chained by hand.

Both run in the same run on the same freshly generated farm corpus, each timed as a
user runs it: a fresh Python process, start-up and imports included (the baseline is
this script's ``--baseline DIR`` mode).  The baseline only decodes and converts: it
repairs no pinyin, no misalignment and no structure.
Runs the farm corpus and then the same pages undamaged, where archiver's repairs
find nothing to do.  Prints seconds, documents per second and the ratio.  Not a test: run it with
``make bench`` (``--documents N`` to scale, ``--repeat N`` for a median over
interleaved runs).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import build_corpus


def baseline(paths: list[Path]) -> list[str]:
    import chardet
    import ftfy
    import opencc

    t2s = opencc.OpenCC("t2s")
    out = []
    for path in paths:
        data = path.read_bytes()
        encoding = chardet.detect(data)["encoding"] or "utf-8"
        text = data.decode(encoding, errors="replace")
        out.append(t2s.convert(ftfy.fix_text(text)))
    return out


def run_baseline(directory: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--baseline", str(directory)], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def run_archiver(directory: Path, workers: int) -> float:
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "archiver",
            "clean",
            "--format",
            "json",
            "--quiet",
            "--workers",
            str(workers),
            str(directory),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=400)
    parser.add_argument(
        "--repeat", type=int, default=1, help="timings of each, interleaved; the median ratio is printed too"
    )
    parser.add_argument("--baseline", type=Path, help="only run the baseline over this directory")
    args = parser.parse_args()
    if args.baseline:
        for text in baseline(sorted(args.baseline.iterdir())):
            sys.stdout.write(text)
        return
    with tempfile.TemporaryDirectory() as tmp:
        for damaged, label in ((True, "farm pages"), (False, "the same pages undamaged")):
            directory = Path(tmp) / ("farm" if damaged else "clean")
            paths = build_corpus(directory, args.documents, damaged=damaged)
            size = sum(p.stat().st_size for p in paths) / 1e6
            print(f"corpus: {len(paths)} {label}, {size:.1f} MB, {os.cpu_count()} cores")
            ratios: dict[int, list[float]] = {}
            for _ in range(args.repeat):  # interleaved: a noisy machine slows both alike
                base = run_baseline(directory)
                print(f"  baseline chardet+ftfy+OpenCC t2s: {base:7.2f} s  {len(paths) / base:7.1f} docs/s")
                for workers in sorted({1, os.cpu_count() or 1}):
                    elapsed = run_archiver(directory, workers)
                    ratios.setdefault(workers, []).append(base / elapsed)
                    print(
                        f"  archiver clean --workers {workers}:    {elapsed:7.2f} s  {len(paths) / elapsed:7.1f} docs/s"
                        f"  ratio {base / elapsed:5.2f}x faster"
                    )
            if args.repeat > 1:
                for workers, found in ratios.items():
                    median = statistics.median(found)
                    print(f"  median ratio, --workers {workers}: {median:5.2f}x over {len(found)} runs")


if __name__ == "__main__":
    main()
