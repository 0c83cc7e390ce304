"""What the browser tests check on a page: no sideways scroll, and axe-core's WCAG 2 A/AA rules.

axe-core is the npm package's ``axe.min.js``, vendored in tests/fixtures (license beside it):
injected from disk, never from a CDN.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
AXE = Path(__file__).resolve().parent.parent / "fixtures" / "axe.min.js"
WIDTHS = (390, 1280)


def sideways_overflow(page) -> int:
    """How many pixels the page is wider than the window (0 when it fits)."""
    return page.evaluate("() => { const e = document.scrollingElement; return e.scrollWidth - e.clientWidth; }")


def axe_violations(page) -> list[str]:
    """WCAG 2 A and AA violations axe-core finds, one line each (rule: first offending element)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return r.violations.map(v => ({id: v.id, help: v.help, target: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}));
    }""")
    return [json.dumps(v, ensure_ascii=False) for v in result]
