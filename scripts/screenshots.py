"""Write the README's screenshots (docs/screenshots/*.png): reader pages in en, ko and ja at
390 px (a phone) and 1280 px, from a fresh server with the demo story, in Debian's Chromium.

Run: .venv/bin/python scripts/screenshots.py   (no network; a temporary instance folder). Korean and
Japanese need a CJK font (Debian: apt-get install fonts-noto-cjk), or they show as boxes.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

from playwright.sync_api import sync_playwright  # noqa: E402 - after the path set-up above

from service.core.config import Settings  # noqa: E402 - after the path set-up above
from support.app import DEMO_ID, TOKEN  # noqa: E402 - after the path set-up above
from support.browser import CHROMIUM, FLAGS, WIDTHS  # noqa: E402 - after the path set-up above
from support.server import LiveServer  # noqa: E402 - after the path set-up above

PAGES = {"index": "/{lang}/", "story": f"/{{lang}}/stories/{DEMO_ID}", "status": "/{lang}/translate"}


def main() -> None:
    out = ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(Settings(instance_dir=Path(tmp) / "instance", api_tokens=(TOKEN,)))
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
                for width in WIDTHS:
                    page = browser.new_page(viewport={"width": width, "height": 900})
                    for lang in ("en", "ko", "ja"):
                        for name, path in PAGES.items():
                            page.goto(server.url + path.format(lang=lang))
                            target = out / f"{name}-{lang}-{width}.png"
                            page.screenshot(path=str(target), full_page=(width == 390 and name == "story"))
                            print(target.relative_to(ROOT))
                    page.close()
                browser.close()
        finally:
            server.stop()


if __name__ == "__main__":
    main()
