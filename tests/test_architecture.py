"""The code's shape, checked: imports point down the layers of docs/architecture.md with no
cycle between modules; every "404 if you may not see it, 403 if you may not do it" lives in
an access helper; no template re-implements a rule; no sleeping in browser tests."""

import ast
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LAYERS = [
    {"accounts", "notifications", "syncqueue", "curriculum"},
    {"activities", "trainings"},
    {"scheduling"},
    {"notes", "evaluation"},
    {"documents", "runsheet"},
    {"demo"},
]
APPS = {app: level for level, apps in enumerate(LAYERS) for app in apps}


def source_files():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def module_name(path):
    relative = path.relative_to(ROOT).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path):
    """Every project module `path` imports (at any depth: lazy imports count too)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            found |= {f"{target}.{alias.name}" for alias in node.names}
    return {m for m in found if m.split(".")[0] in APPS}


def graph():
    modules = {module_name(path): path for path in source_files()}
    edges = {}
    for name, path in modules.items():
        edges[name] = {m for m in imports_of(path) if m in modules and m != name}
    return edges


class _Tarjan:
    """Strongly connected components of a directed graph."""

    def __init__(self, edges):
        self.edges, self.index, self.low = edges, {}, {}
        self.stack, self.on_stack, self.components = [], set(), []

    def visit(self, node):
        self.index[node] = self.low[node] = len(self.index)
        self.stack.append(node)
        self.on_stack.add(node)
        for succ in self.edges[node]:
            if succ not in self.index:
                self.visit(succ)
                self.low[node] = min(self.low[node], self.low[succ])
            elif succ in self.on_stack:
                self.low[node] = min(self.low[node], self.index[succ])
        if self.low[node] == self.index[node]:
            self.components.append(self.pop_component(node))

    def pop_component(self, node):
        component = []
        while True:
            member = self.stack.pop()
            self.on_stack.discard(member)
            component.append(member)
            if member == node:
                return sorted(component)


def cycles(edges):
    """The components of more than one module: each is an import cycle."""
    tarjan = _Tarjan(edges)
    for node in sorted(edges):
        if node not in tarjan.index:
            tarjan.visit(node)
    return [component for component in tarjan.components if len(component) > 1]


def test_no_import_cycle_between_modules():
    assert cycles(graph()) == []


def test_imports_point_down_the_layers():
    upward = []
    for name, targets in graph().items():
        for target in targets:
            here, there = name.split(".")[0], target.split(".")[0]
            if APPS[there] > APPS[here]:
                upward.append(f"{name} imports {target}")
    assert upward == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def functions_deciding_access(path):
    """Functions that both ask the rules and answer 404 themselves: an access helper."""
    tree = ast.parse(path.read_text(), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            text = ast.unparse(node)
            if "has_perm(" in text and re.search(r"raise Http404\b", text):
                yield f"{module_name(path)}.{node.name}"


def test_access_is_decided_by_one_helper_per_object_kind():
    """`<app>/access.py` (or trainings/views/access.py) holds the helpers; views and API
    endpoints call them instead of asking the rules and raising 404 themselves."""
    found = [name for path in source_files() if path.name != "access.py"
             for name in functions_deciding_access(path)]
    assert found == []


# A template prints what a view or selector computed; these patterns are rules.
RULE_PATTERNS = {
    "a role test (ask the rules in the view)": r"\{%-?\s*(?:el)?if\b[^%]*\.role\s*(?:==|!=|in)\s",
    "a status test (a model property or the rules)":
        r"\{%-?\s*(?:el)?if\b[^%]*\.status\s*(?:==|!=|in)\s",
    "a staff test (ask the rules in the view)": r"\{%-?\s*(?:el)?if\b[^%]*\bis_staff\b",
    "a time labelled UTC by hand (use {% when %} / {% when_text %})": r"\bUTC\b",
    "an instant through Django's date/time filter, unlabelled in the viewer's zone "
    "(use {% when %} / {% when_text %} / {% time_range %})":
        r"\b\w+_at\|(?:date|time)\b|\|time:",
    "where a slot takes place (Slot.where)":
        r"(?m)^.*\{%-?\s*(?:el)?if\b.*(?:meeting_link.*venue|venue.*meeting_link)",
}
# The Django admin's own rule: only staff may open it.
ALLOWED = {("templates/base.html", "a staff test (ask the rules in the view)")}


def templates():
    for folder in [ROOT / "templates", *(ROOT / app / "templates" for app in APPS)]:
        yield from folder.rglob("*.html")
        yield from folder.rglob("*.txt")


def test_no_template_re_implements_a_rule():
    found = []
    for path in templates():
        text = path.read_text()
        relative = str(path.relative_to(ROOT))
        for reason, pattern in RULE_PATTERNS.items():
            if (relative, reason) not in ALLOWED and re.search(pattern, text):
                found.append(f"{relative}: {reason}")
    assert found == []


def test_the_template_patterns_catch_what_they_name():
    samples = {
        "a time labelled UTC by hand (use {% when %} / {% when_text %})":
            '{{ q.at|date:"H:i" }} UTC',
        "an instant through Django's date/time filter, unlabelled in the viewer's zone "
        "(use {% when %} / {% when_text %} / {% time_range %})":
            '{{ inv.expires_at|date:"j M H:i" }}',
        "a role test (ask the rules in the view)": '{% if m.role == "moderator" %}',
        "a status test (a model property or the rules)": '{% if n.status in "a b" %}',
        "a staff test (ask the rules in the view)": "{% if user.is_staff %}",
        "where a slot takes place (Slot.where)":
            '{% if s.kind == "online" %}{{ t.meeting_link }}{% else %}{{ t.venue }}{% endif %}',
    }
    for reason, sample in samples.items():
        assert re.search(RULE_PATTERNS[reason], sample), reason


def test_browser_tests_wait_for_states_not_for_time():
    sleeping = [str(path.relative_to(ROOT)) for path in (ROOT / "tests" / "browser").rglob("*.py")
                if re.search(r"\btime\.sleep\(|\bsleep\(", path.read_text())]
    assert sleeping == []
