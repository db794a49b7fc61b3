"""The package's layout holds: the extraction core is pure, and imports run down the pipeline, never
back up. Read from the code itself (its import statements), so a change that breaks a rule fails
here, not in a review."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "quotes"
EXTRACTION = sorted(p for p in (PACKAGE / "extraction").glob("*.py"))
HEAVY = ("sqlalchemy", "torch", "stanza")

pytestmark = pytest.mark.fast


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, anywhere in it (lazy imports in functions included), as
    absolute dotted names."""
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)  # `from . import names`
    return found


def quotes_modules(path: Path) -> set[str]:
    return {m for m in imported_modules(path) if m == "quotes" or m.startswith("quotes.")}


@pytest.mark.parametrize("path", EXTRACTION, ids=lambda p: p.name)
def test_extraction_imports_no_database_or_model_library(path):
    assert not {m for m in imported_modules(path) if m.split(".")[0] in HEAVY}


@pytest.mark.parametrize("path", EXTRACTION, ids=lambda p: p.name)
def test_extraction_imports_only_itself(path):
    """Extraction reads a parse view and hands on records: it needs nothing of the rest of the
    package (but its version, for the extractor's fingerprint)."""
    outside = {m for m in quotes_modules(path) if not m.startswith("quotes.extraction") and m not in ("quotes", "quotes.__version__")}
    assert not outside


def test_importing_every_extraction_module_loads_no_heavy_library():
    """The same, as Python sees it: a fresh interpreter imports every extraction module."""
    names = [f"quotes.extraction.{p.stem}" for p in EXTRACTION if p.stem != "__init__"]
    probe = "import importlib, json, sys\n" + "".join(f"importlib.import_module({n!r})\n" for n in names) \
        + "print(json.dumps(sorted(sys.modules)))\n"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    loaded = {m.split(".")[0] for m in __import__("json").loads(out.stdout)}
    assert "quotes" in loaded and not loaded & set(HEAVY)


# what each lower part of the package may import of the package: never a stage above it
MAY_IMPORT = {
    "grouping": ("quotes.grouping", "quotes.models_db", "quotes.extraction.lexicon"),
    "models_db.py": (),
    "db.py": ("quotes.db",),
    "search.py": (),
    "output.py": (),
    "read.py": (),
    "clean.py": (),
}


@pytest.mark.parametrize("part", sorted(MAY_IMPORT))
def test_lower_parts_import_nothing_above_them(part):
    paths = sorted((PACKAGE / part).glob("*.py")) if (PACKAGE / part).is_dir() else [PACKAGE / part]
    allowed = MAY_IMPORT[part]
    for path in paths:
        above = {m for m in quotes_modules(path) - {"quotes", "quotes.__version__"} if not allowed or not m.startswith(allowed)}
        assert not above, f"{path.name} imports {sorted(above)}"


def test_the_code_runs_on_the_python_it_declares():
    """Issue 32, item 8: the README promised Python 3.10+ while workers.py passed
    ``max_tasks_per_child`` (3.11+), and every parallel ingest on 3.10 failed. vermin reads the code
    for the oldest Python each construct needs; the package, its migrations and its tests must run on
    the oldest version setup.cfg declares (and the README names)."""
    import configparser
    import re

    root = PACKAGE.parent
    cfg = configparser.ConfigParser()
    cfg.read(root / "setup.cfg")
    oldest = re.fullmatch(r">=\s*(3\.\d+)", cfg["options"]["python_requires"].strip()).group(1)
    assert f"Python {oldest}+" in (root / "README.md").read_text(encoding="utf-8")
    vermin = Path(sys.executable).with_name("vermin")
    r = subprocess.run([str(vermin), "--no-tips", "--violations", "--eval-annotations", f"-t={oldest}-",
                        "quotes", "migrations", "tests"], cwd=root, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-2000:]
