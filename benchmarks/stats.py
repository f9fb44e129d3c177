"""Percentiles, the machine's load beside every figure, and the goals of issue 21 (benchmarks only)."""

import math
import os

MIN_SAMPLES = 100  # a p95 from fewer samples is marked


def cores() -> int:
    return os.cpu_count() or 1


def load() -> float:
    """The 1-minute load average."""
    return os.getloadavg()[0]


def loaded(value: float) -> bool:
    """Over the core count: the machine was busy and a figure taken on it is not to be trusted."""
    return value > cores()


SETTLED = 0.75  # of the core count: the load a figure waits for before it starts
SETTLE_MAX_S = 120.0


def settle(max_wait_s: float = SETTLE_MAX_S) -> float:
    """Wait until the 1-minute load average has fallen to SETTLED × the core count (at most ``max_wait_s``) and
    return it. The average decays over about a minute after the processes that raised it have ended, so without the
    wait a figure would inherit the previous one's load (wrk and three gunicorn workers, or 50 client threads, push
    it above the core count by themselves). A machine busy with anything else does not settle: the figure then starts
    above the core count and is marked LOADED."""
    import time

    deadline = time.monotonic() + max_wait_s
    while load() > cores() * SETTLED and time.monotonic() < deadline:
        time.sleep(1)
    return load()


def load_mark(before: float, after: float) -> str:
    """``before→after``, LOADED when the machine was busy as the figure started (``before`` over the core count).
    ``after`` is printed, not judged: it counts the measurement's own processes (wrk, the gunicorn workers, 50 client
    threads), which are the load the figure is about."""
    return f"{before:.2f}→{after:.2f}" + (" LOADED" if loaded(before) else "")


def loaded_note(*befores: float) -> str:
    """`` (LOADED)`` after a goal's figure when any figure it rests on started on a busy machine (:func:`load_mark`)."""
    return " (LOADED)" if any(loaded(before) for before in befores) else ""


def cpu_probe() -> float:
    """Milliseconds for a fixed pure-Python workload (best of three): how fast this machine's core is right now. A
    shared host can halve it without the load average showing anything, so it is printed beside the figures."""
    import time

    best = math.inf
    for _ in range(3):
        start = time.perf_counter()
        sum(i * i for i in range(1_000_000))
        best = min(best, (time.perf_counter() - start) * 1000)
    return best


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def summary(values_ms: list[float]) -> dict:
    values = sorted(values_ms)
    return {
        "n": len(values),
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "p99": percentile(values, 99),
        "max": values[-1] if values else math.nan,
    }


def ms(value: float) -> str:
    return "—" if value is None or math.isnan(value) else (f"{value:.1f}" if value < 100 else f"{value:,.0f}")


def pcts(s: dict) -> str:
    """``p50 / p95 / p99`` in ms; a ``*`` when the p95 rests on fewer than MIN_SAMPLES samples."""
    star = "*" if s["n"] < MIN_SAMPLES else ""
    return f"{ms(s['p50'])} / {ms(s['p95'])}{star} / {ms(s['p99'])}{star}"


def kb(n_bytes: int) -> str:
    return f"{n_bytes / 1024:,.0f}"


class Goals:
    """Every goal of the issue, judged with the figure it rests on; ``failed`` drives the exit status."""

    def __init__(self):
        self.rows: list[tuple[str, bool | None, str]] = []

    def judge(self, goal: str, met: bool | None, figure: str) -> bool | None:
        """``met`` None: not measured in this run (reported, not counted as met)."""
        self.rows.append((goal, met, figure))
        return met

    @property
    def failed(self) -> list[str]:
        return [goal for goal, met, _ in self.rows if met is False]

    def table_rows(self) -> list[list[str]]:
        verdict = {True: "MET", False: "NOT MET", None: "not measured"}
        return [[goal, verdict[met], figure] for goal, met, figure in self.rows]
