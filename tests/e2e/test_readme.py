"""Every Python example in the README runs, so the docs cannot drift."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.DOTALL)


def test_readme_has_python_examples():
    assert BLOCKS


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_python_example_runs(index):
    exec(compile(BLOCKS[index], f"README.md python block {index + 1}", "exec"), {})


PYTEST_SECTION = README.read_text().split("## Testing crosschain code with pytest", 1)[1].split("\n## ", 1)[0]


@pytest.mark.filterwarnings("ignore::pytest.PytestAssertRewriteWarning")
def test_readme_pytest_example_passes_under_the_plugin(pytester: pytest.Pytester) -> None:
    (block,) = re.findall(r"```python\n(.*?)```", PYTEST_SECTION, flags=re.DOTALL)
    pytester.makepyfile(test_readme_example=block)
    pytester.runpytest().assert_outcomes(passed=block.count("\ndef test_"))
