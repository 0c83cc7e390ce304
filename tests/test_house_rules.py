"""Rules the linters cannot say: every suppression explains itself."""
from __future__ import annotations

import re

from service.config import PROJECT_ROOT

SUPPRESSION = re.compile(r"#\s*(noqa\b[^#\n]*|type:\s*ignore\b[^#\n]*)")
REASON = re.compile(r"(noqa: [A-Z0-9, ]+ - \S|type: ignore\[[a-z-]+\]\s*#\s*\S)")


def test_every_noqa_and_type_ignore_says_why():
    unexplained = []
    for folder in ("service", "tests", "benchmarks"):
        for path in sorted((PROJECT_ROOT / folder).rglob("*.py")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                match = SUPPRESSION.search(line)
                if match and not REASON.search(line[match.start():]):
                    unexplained.append(f"{path.relative_to(PROJECT_ROOT)}:{number}: {line.strip()}")
    assert not unexplained, "say why after the code, e.g. '# noqa: BLE001 - health reports, never raise':\n" + \
        "\n".join(unexplained)
