from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kefu.core.tests.live import Site, Template, drop_template, make_template, sites


@pytest.fixture(scope="session")
def live_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Template]:
    template = make_template(tmp_path_factory.mktemp("live-template"))
    yield template
    drop_template(template)


@pytest.fixture
def live_site(live_template: Template, tmp_path: Path) -> Iterator[Callable[[str], Site]]:
    """kefu installations of the test's own, each started from the migrated template."""
    yield from sites(live_template, tmp_path)
