"""The README's `make` commands exist, and make reads the Makefile without warnings."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_make_command_in_the_readme_is_a_target_make_can_plan() -> None:
    targets = sorted(set(re.findall(r"`make ([a-z][a-z-]*)", (ROOT / "README.md").read_text(encoding="utf-8"))))
    assert {"demo", "test", "eval", "bench-retrieval"} <= set(targets)
    for target in targets:
        plan = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True, check=False)
        assert plan.returncode == 0, f"make {target}: {plan.stderr.strip()}"
        assert "warning" not in plan.stderr.lower(), f"make {target}: {plan.stderr.strip()}"
