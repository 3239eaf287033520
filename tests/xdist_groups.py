"""How `make test` shares the tests between pytest-xdist workers (`-n 2 --dist loadgroup`).

A module's tests stay on one worker (module-scoped data is built once); its transactional
tests form a group of their own that is handed out after every non-transactional group
(pytest-django orders them last, so no worker runs a test inside a transaction on a database
that a transactional test has emptied); every real-worker test (`pytest.mark.worker`) goes to
one group, so two of them never compete for the CPU and their lease timings.

xdist's own `xdist_group` marker does not work with pytest 9 (it renames `item._nodeid`,
which pytest 9 no longer reads), so the workers write each test's group to a file at
collection and the controller's scheduler reads it (`GroupScheduling`).
"""

import json
import shutil
import tempfile
from pathlib import Path

KEY = "unct_groups_dir"


def transactional(item):
    """The tests pytest-django runs after the others: they commit, then empty the database."""
    marker = item.get_closest_marker("django_db")
    flags = (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
             or any(marker.args[:1])) if marker else False
    return bool(flags) or bool({"transactional_db", "live_server"}
                               & set(getattr(item, "fixturenames", ())))


def group(item):
    module = item.nodeid.split("::")[0]
    if not transactional(item):
        return module
    return "real-workers" if item.get_closest_marker("worker") else f"{module} (transactional)"


def groups_dir(config):
    """The controller's folder for the workers' group files (made once per run)."""
    if not hasattr(config, "_unct_groups_dir"):
        config._unct_groups_dir = tempfile.mkdtemp(prefix="unct-xdist-groups-")
    return config._unct_groups_dir


def remove_groups_dir(config):
    if hasattr(config, "_unct_groups_dir"):
        shutil.rmtree(config._unct_groups_dir, ignore_errors=True)


def write_groups(config, items):
    """On an xdist worker: record every collected test's group for the controller."""
    workerinput = getattr(config, "workerinput", None)
    if not workerinput or KEY not in workerinput:
        return
    path = Path(workerinput[KEY]) / f"{workerinput['workerid']}.json"
    path.write_text(json.dumps({item.nodeid: group(item) for item in items}))


def make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        """loadscope with our groups (a test the workers did not report: its module)."""

        def __init__(self, config, log=None):
            super().__init__(config, log)
            self.groups = None

        def _split_scope(self, nodeid):
            if self.groups is None:
                self.groups = {}
                for path in sorted(Path(groups_dir(config)).glob("*.json")):
                    self.groups.update(json.loads(path.read_text()))
            return self.groups.get(nodeid) or nodeid.split("::")[0]

    return GroupScheduling(config, log)
