"""Each module imports on its own: a script or notebook may start from any of them."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

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


@pytest.mark.slow  # one interpreter importing every module: about 15 s
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


def top_level_imports(path: Path) -> set[str]:
    """The project packages a module imports when it loads (imports inside functions excluded)."""
    found = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & set(PACKAGES)


def test_imports_point_down_the_floors():
    """ingest/ (and prompts/) at the bottom, assistant/ above them, eval/ on top."""
    allowed = {"ingest": {"ingest"}, "prompts": {"prompts"}, "assistant": {"assistant", "ingest", "prompts"}}
    upward = [
        f"{path.relative_to(ROOT)} imports {sorted(top_level_imports(path) - allowed[package])}"
        for package in allowed
        for path in sorted((ROOT / package).rglob("*.py"))
        if top_level_imports(path) - allowed[package]
    ]
    assert upward == []
