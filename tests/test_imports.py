"""Each module imports on its own: a script or notebook may start from any of them."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("assistant", "ingest", "eval", "prompts")

# One interpreter; the project's modules are dropped from sys.modules before each import, so
# every import starts cold as far as the project goes (third-party packages stay loaded: fast).
SCRIPT = """
import importlib, sys
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m.split(".")[0] in {packages!r}]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as exc:
        failed.append(f"{{name}}: {{exc}}")
print("\\n".join(failed))
"""


def test_every_module_imports_first():
    modules = [
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
    ]
    assert len(modules) > 30
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(packages=PACKAGES), *modules],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert run.stdout.strip() == ""
