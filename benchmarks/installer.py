"""Installer benchmark: build time, bundle size, and the frozen app's start next to the venv's.

``python -m benchmarks.installer [--bundle DIR] [--runs N] [--json]`` builds the bundle, the
.tar.gz, the .deb and the MSI (``installer.build``, timed) unless ``--bundle`` names one
already built, then times, in the same run and turn about, how long the frozen executable
and ``python -m duty_desk`` from the venv take from launch to the sign-in window shown (the
app prints a line when it is, as for the foundation benchmark). Target: frozen at most 1.2x
the venv. A measurement, not a test: exits 0 whatever the verdict.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.foundation import bench_desk, child_env, time_to_shown
from benchmarks.secret_service import secret_service

RATIO_TARGET = 1.2


def measure(bundle: Path | None, runs: int) -> dict[str, Any]:
    from installer.build import build, folder_size

    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="duty-desk-installer-bench-") as folder:
        work = Path(folder)
        if bundle is None:
            started = time.perf_counter()
            built = build(work / "out")
            results["build_s"] = time.perf_counter() - started
            results["build_steps_s"] = built.seconds
            results["packages_mib"] = {
                k: p.stat().st_size / 2**20 for k, p in built.archives.items()
            }
            bundle = built.bundle
        results["bundle_mib"] = folder_size(bundle) / 2**20
        frozen = [str(bundle / "duty-desk"), "--data-dir", str(work / "desk")]
        venv = [sys.executable, "-m", "duty_desk", "--data-dir", str(work / "desk")]
        env = child_env()
        with secret_service(), bench_desk(work / "desk"):
            time_to_shown(frozen, env)  # warm-up: page cache, fontconfig cache
            time_to_shown(venv, env)
            frozen_s, venv_s = [], []
            for _ in range(runs):
                frozen_s.append(time_to_shown(frozen, env))
                venv_s.append(time_to_shown(venv, env))
    ratio = statistics.median(frozen_s) / statistics.median(venv_s)
    return results | {"frozen_start_s": statistics.median(frozen_s),
                      "venv_start_s": statistics.median(venv_s), "ratio": ratio,
                      "target_ratio": RATIO_TARGET, "pass": ratio <= RATIO_TARGET,
                      "frozen_runs_s": frozen_s, "venv_runs_s": venv_s}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.installer",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--bundle", type=Path, help="a bundle already built (dist/duty-desk)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    found = measure(args.bundle, args.runs)
    if args.json:
        print(json.dumps(found, indent=2, default=str))
        return 0
    if "build_s" in found:
        steps = ", ".join(f"{k} {v:.0f} s" for k, v in found["build_steps_s"].items())
        print(f"Build (bundle, .tar.gz, .deb, MSI): {found['build_s']:.0f} s ({steps})")
        sizes = ", ".join(f"{k} {v:.0f} MiB" for k, v in found["packages_mib"].items())
        print(f"Packages: {sizes}")
    print(f"Bundle size: {found['bundle_mib']:.0f} MiB")
    verdict = "PASS" if found["pass"] else "MISS"
    frozen, venv, ratio = found["frozen_start_s"], found["venv_start_s"], found["ratio"]
    print(f"Start to sign-in window, median of {args.runs}: frozen {frozen:.2f} s, "
          f"venv {venv:.2f} s; ratio {ratio:.2f}x (target <= {RATIO_TARGET}x)  "
          f"{verdict}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
