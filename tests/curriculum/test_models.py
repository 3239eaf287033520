import pytest

from curriculum.models import Element
from curriculum.templatetags.curriculum_tags import duration


@pytest.mark.django_db
def test_element_totals_are_the_sum_of_their_items(curriculum):
    for element in Element.objects.with_total_minutes().filter(module__curriculum=curriculum):
        assert element.total_minutes == sum(element.items.values_list("minutes", flat=True))
    module_1 = Element.objects.with_total_minutes().get(module__number=1, phase="offline",
                                                        module__curriculum=curriculum)
    # Module 1 offline: opening 10 + Session 1 45 + Session 2 45 + wrap-up 15
    assert module_1.total_minutes == 115


def test_duration_formatting():
    assert duration(135) == "2h 15m"
    assert duration(120) == "2h"
    assert duration(45) == "45m"
    assert duration(None) == "–"
