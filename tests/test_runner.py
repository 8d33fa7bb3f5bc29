"""Running work over inputs: in order, in parallel, and streaming."""

from __future__ import annotations

from collections.abc import Iterator

from archiver.runner import CHUNK, IN_FLIGHT_PER_WORKER, run_parallel


def test_results_come_in_input_order_on_several_workers() -> None:
    assert list(run_parallel(range(500), abs, workers=2)) == list(range(500))
    assert list(run_parallel(range(3), abs, workers=2)) == [0, 1, 2]  # too few to fork for


def test_inputs_are_taken_as_needed_not_all_at_once() -> None:
    """A tree of a million files must not be held: a reader that stops after three
    results has made the run take only a bounded number of inputs."""
    taken = 0

    def inputs() -> Iterator[int]:
        nonlocal taken
        for number in range(100_000):
            taken += 1
            yield number

    results = run_parallel(inputs(), abs, workers=2)
    assert [next(results) for _ in range(3)] == [0, 1, 2]
    results.close()
    assert taken <= (IN_FLIGHT_PER_WORKER * 2 + 2) * CHUNK
