"""Open a report in headless Chromium: console errors, element sizes, a screenshot.

Used by the tests and by ``python -m derivations.report.browser REPORT.html SHOT.png`` (which
makes ``docs/report.png``).  Needs Selenium and Debian's ``chromium`` + ``chromium-driver``
(``apt-get install -y chromium chromium-driver``); :func:`find_browser` says what is missing.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--hide-scrollbars", "--force-device-scale-factor=1")

# run in the page: what the tests assert on
_INSPECT = """
const box = e => { const r = e.getBoundingClientRect(); return [r.width, r.height]; };
return {
  maths: Array.from(document.querySelectorAll('math')).map(box),
  svgs: Array.from(document.querySelectorAll('figure.plot svg')).map(box),
  figures: Array.from(document.querySelectorAll('figure.plot')).map(f => f.id),
  badges: Array.from(document.querySelectorAll('tr.step .badge')).map(b => b.dataset.verdict),
  mathml_supported: (() => { const m = document.querySelector('math');
      return m ? (m.constructor && m.constructor.name) : null; })(),
  title: document.title,
  height: document.documentElement.scrollHeight,
};
"""


def find_browser() -> tuple[str | None, str | None, str]:
    """``(chromium, chromedriver, reason)``: the binaries, or None and why not."""
    chromium = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")
                     if shutil.which(n)), None)
    driver = shutil.which("chromedriver") or (
        "/usr/bin/chromedriver" if os.path.exists("/usr/bin/chromedriver") else None)
    missing = [n for n, p in (("chromium", chromium), ("chromedriver", driver)) if p is None]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("the Python package selenium")
    reason = ("" if not missing else "missing " + ", ".join(missing)
              + " (apt-get install -y chromium chromium-driver; pip install selenium)")
    return chromium, driver, reason


@contextmanager
def chromium(width: int = 1280, height: int = 900) -> Iterator:
    """A headless Chromium WebDriver with a fresh profile, closed on exit."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary, driver, reason = find_browser()
    if reason:
        raise RuntimeError(reason)
    profile = tempfile.mkdtemp(prefix="lecturecheck-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = binary
    for flag in CHROMIUM_FLAGS:
        opts.add_argument(flag)
    opts.add_argument(f"--user-data-dir={profile}")
    opts.add_argument(f"--window-size={width},{height}")
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(service=Service(executable_path=driver), options=opts)
    try:
        yield drv
    finally:
        drv.quit()
        shutil.rmtree(profile, ignore_errors=True)


def inspect(page: str | Path, screenshot: str | Path | None = None, *, width: int = 1280,
            full_page: bool = False, max_height: int = 16000) -> dict:
    """Load ``page`` (a file) and return the console messages and element boxes.

    ``{"console": [{"level", "message"}], "maths": [[w, h]], "svgs": [[w, h]], "figures": [...],
    "badges": [verdict, …], "height": px}``; with ``screenshot`` a PNG of the first screen (or
    of the whole page up to ``max_height`` pixels with ``full_page``).
    """
    url = Path(page).resolve().as_uri()
    with chromium(width=width) as drv:
        drv.get(url)
        info = drv.execute_script(_INSPECT)
        info["console"] = [{"level": e.get("level"), "message": e.get("message")}
                           for e in drv.get_log("browser")]
        if screenshot is not None:
            if full_page:
                drv.set_window_size(width, min(int(info["height"]) + 40, max_height))
            drv.save_screenshot(str(screenshot))
    return info


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) not in (2, 3):
        sys.stderr.write("usage: python -m derivations.report.browser REPORT.html SHOT.png [HEIGHT]\n")
        return 2
    height = int(args[2]) if len(args) == 3 else 0
    if height:
        url = Path(args[0]).resolve().as_uri()
        with chromium(width=1280, height=height) as drv:
            drv.get(url)
            drv.save_screenshot(args[1])
            logs = drv.get_log("browser")
    else:
        logs = inspect(args[0], args[1])["console"]
    for entry in logs:
        sys.stderr.write(f"console {entry.get('level')}: {entry.get('message')}\n")
    return 1 if logs else 0


if __name__ == "__main__":
    sys.exit(main())
