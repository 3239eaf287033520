"""axe-core in a Playwright page: the WCAG 2.1 A/AA rules, run on the page as a person sees it.

axe-core comes from npm (node_modules/axe-core, version pinned in package.json). The pages
send `script-src 'self'`, so `page.add_script_tag(path=...)` (an inline <script>) is refused
by the CSP; the source is evaluated through the DevTools protocol instead
(`page.evaluate`), which the page's CSP does not govern, so the pages keep their real CSP
while axe runs and no `bypass_csp` is needed.
"""

from pathlib import Path

from django.conf import settings

AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
# Best-practice rules run on top of WCAG's and blocking whatever their impact: every page has
# one `main` landmark (where "Skip to content" and screen readers' "main" jump).
EXTRA_RULES = {"landmark-one-main"}

_source = None


def _axe_source():
    global _source
    if _source is None:
        if not AXE_JS.exists():
            raise FileNotFoundError(f"{AXE_JS} is missing: run `npm ci` (make setup).")
        _source = AXE_JS.read_text()
    return _source


def violations(page):
    """axe's violations of the WCAG 2.1 A/AA rules on the page as it is now:
    [{"id", "impact", "help", "targets": [...]}]."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    found = page.evaluate(
        """async ([tags, extra]) => {
            const rules = Object.fromEntries(extra.map(id => [id, {enabled: true}]));
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                                    rules, resultTypes: ['violations']});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map(n => n.target.join(' ')),
            }));
        }""",
        [WCAG_TAGS, sorted(EXTRA_RULES)],
    )
    return found


def blocking(found):
    """Only the serious and critical ones (and those of EXTRA_RULES)."""
    return [v for v in found if v["impact"] in BLOCKING or v["id"] in EXTRA_RULES]


def report(where, found):
    """Lines naming each violation, its elements and what to do."""
    lines = []
    for v in found:
        lines.append(f"{where}: [{v['impact']}] {v['id']} ({len(v['targets'])}x): {v['help']}")
        lines.extend(f"    {target}" for target in v["targets"][:8])
        if len(v["targets"]) > 8:
            lines.append(f"    ... and {len(v['targets']) - 8} more")
    return lines


# Our own rule on top of axe's: whatever is tapped on a tablet is at least 44 px high
# (static/css/app.css, runsheet.css).
TOUCH_TARGETS = """() => Array.from(document.querySelectorAll(
        '.btn, .nav-link, .navbar-toggler, .dropdown-item, .form-control, .form-select, .page-link'))
    .filter(e => e.offsetParent !== null && e.getClientRects().length)
    .filter(e => Math.round(e.getBoundingClientRect().height) < 44)
    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' "' +
              (e.innerText || e.value || '').trim().slice(0, 40) + '" ' +
              Math.round(e.getBoundingClientRect().height) + 'px')"""


def small_targets(page):
    """The page's buttons, links styled as buttons and fields lower than 44 px, as a
    violation in axe's shape (empty list if none)."""
    small = page.evaluate(TOUCH_TARGETS)
    return [{"id": "touch-target-44px", "impact": "serious", "targets": small,
             "help": "Touch targets must be at least 44 px high"}] if small else []
