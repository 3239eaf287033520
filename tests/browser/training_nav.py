"""Opening a training's tab as a person does: the tabs sit in three menus (Plan, In the room,
After; trainings/templates/trainings/_tabs.html), so open the menu holding the tab, then
click the tab."""

from playwright.sync_api import expect


def tab_group(page, label):
    """The menu (an `li`) of the "Training sections" navigation that holds the tab `label`."""
    nav = page.get_by_role("navigation", name="Training sections")
    tab = page.get_by_role("link", name=label, exact=True, include_hidden=True)
    return nav.locator("li.dropdown").filter(has=tab)


def open_tab(page, label):
    """Open the menu holding the tab `label` and follow the tab."""
    page.wait_for_load_state()          # the menus open once Bootstrap's script has run
    group = tab_group(page, label)
    group.get_by_role("button").click()
    link = group.get_by_role("link", name=label, exact=True)
    expect(link).to_be_visible()
    link.click()
    page.wait_for_load_state()
