"""Make docs/report.png (and docs/report-plots.png) from a full report in headless Chromium.

    python docs/screenshots.py              # builds the whole catalog's report (seed 0) first
    python docs/screenshots.py report.html  # or shoots an existing report

Needs Debian's chromium + chromium-driver and Selenium (``pip install '.[test]'``).
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
NOTES = DOCS.parents[1] / "shared" / "seeds" / "000_6ceef446008ec550.txt"


def shoot(report: Path) -> None:
    from derivations.report.browser import chromium

    with chromium(width=1280, height=1500) as drv:
        drv.get(report.resolve().as_uri())
        errors = drv.get_log("browser")
        if errors:
            raise SystemExit(f"console messages: {errors}")
        drv.save_screenshot(str(DOCS / "report.png"))
        drv.set_window_size(1280, 1450)
        drv.execute_script("document.getElementById('plots').scrollIntoView()")
        drv.save_screenshot(str(DOCS / "report-plots.png"))
    print(f"wrote {DOCS / 'report.png'} and {DOCS / 'report-plots.png'}")


def main() -> int:
    if len(sys.argv) > 1:
        shoot(Path(sys.argv[1]))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.html"
        argv = [sys.executable, "-m", "derivations.cli", "report", "-o", str(report), "--seed", "0"]
        if NOTES.is_file():
            argv += ["--notes", str(NOTES)]
        subprocess.run(argv, check=False)
        shoot(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
