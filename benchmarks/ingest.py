"""Ingest throughput and memory: `archiver ingest` against the hand-chained baseline.

The baseline (chardet + ftfy.fix_text + OpenCC t2s) only cleans and stores nothing;
`archiver ingest` cleans, compresses and stores raw and clean blobs and records
versions.  Both run in this run on the same freshly generated farm corpus, each as a
fresh process (see throughput.py).  Peak
memory is the proportional set size (PSS) summed over archiver's whole process tree,
sampled from /proc every 20 ms, for two corpus sizes: flat means it streams.
Usage: python benchmarks/ingest.py [--documents N]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import build_corpus
from throughput import run_baseline


def _pss_bytes(pid: int) -> int:
    """Proportional set size: shared pages (the forked workers share the models with
    their parent) count once across the tree, not once per process as RSS does."""
    with open(f"/proc/{pid}/smaps_rollup") as handle:
        for line in handle:
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    return 0


def tree_memory_mb(root_pid: int) -> float:
    """Memory of a process and all its descendants, in MB (Linux /proc, PSS)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        with contextlib.suppress(OSError):  # the process ended meanwhile
            total += _pss_bytes(pid)
        stack.extend(children.get(pid, []))
    return total / 1e6


def run_ingest(corpus: Path, archive: Path) -> tuple[float, float]:
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "archiver", "ingest", "--quiet", "-a", str(archive), str(corpus)],
        stdout=subprocess.DEVNULL,
    )
    peak = 0.0

    def sample() -> None:
        nonlocal peak
        while process.poll() is None:
            peak = max(peak, tree_memory_mb(process.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    process.wait()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"ingest failed with exit status {process.returncode}")
    return time.perf_counter() - start, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for size in (args.documents // 4, args.documents):
            corpus = Path(tmp) / f"corpus-{size}"
            paths = build_corpus(corpus, size)
            megabytes = sum(p.stat().st_size for p in paths) / 1e6
            base = run_baseline(corpus)
            elapsed, peak = run_ingest(corpus, Path(tmp) / f"archive-{size}")
            print(
                f"{size:6d} pages ({megabytes:5.1f} MB): baseline {base:6.2f} s, archiver ingest {elapsed:6.2f} s "
                f"-> {base / elapsed:4.2f}x faster; ingest peak memory {peak:6.1f} MB (PSS, whole process tree)"
            )


if __name__ == "__main__":
    main()
