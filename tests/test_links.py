import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import reverse, set_script_prefix
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

ROUTES = ["cases:detail", "intake:petitioner", "cases:sign_off"]


def links(source: str, **context) -> str:
    return Template("{% load links %}" + source).render(Context(context))


LINK = Template("{% load links %}{% link_to route pk %}")


@given(route=st.sampled_from(ROUTES), pk=st.integers(min_value=1, max_value=2**63 - 1))
# Without a deadline: the first example pays for loading the URLconf, which is not what is tested.
@settings(deadline=None)
def test_a_link_is_the_address_reverse_gives(route, pk):
    assert LINK.render(Context({"route": route, "pk": pk})) == reverse(route, args=[pk])


def test_links_of_many_objects_in_one_rendering_each_name_their_own():
    ids = [1, 22, 333]
    rendered = links(
        "{% for pk in ids %}{% link_to 'cases:detail' pk %} {% link_to 'intake:petitioner' pk %};"
        "{% endfor %}",
        ids=ids,
    )

    case, person = "cases:detail", "intake:petitioner"
    expected = [f"{reverse(case, args=[pk])} {reverse(person, args=[pk])};" for pk in ids]
    assert rendered == "".join(expected)


@pytest.fixture
def bureau_prefix():
    # Served under a path of the bureau's intranet site, as behind a proxy with SCRIPT_NAME.
    set_script_prefix("/xinfang/")
    yield
    set_script_prefix("/")


def test_a_link_follows_the_script_prefix_of_its_request(bureau_prefix):
    assert links("{% link_to 'cases:detail' 5 %}") == "/xinfang/cases/5/"

    set_script_prefix("/")
    assert links("{% link_to 'cases:detail' 5 %}") == "/cases/5/"


def test_no_route_is_translated_so_links_kept_through_a_rendering_hold_in_any_language():
    with translation.override("en"):
        english = links("{% link_to 'cases:detail' 5 %}")
    with translation.override("zh-hans"):
        chinese = links("{% link_to 'cases:detail' 5 %}")

    assert english == chinese == reverse("cases:detail", args=[5])


@override_settings(ROOT_URLCONF="tests.links_urls")
def test_a_route_that_writes_its_id_otherwise_is_refused_rather_than_linked_wrong():
    assert reverse("padded", args=[5]) == "/padded/00000005/"

    with pytest.raises(ValueError, match="padded does not write its id as its digits"):
        links("{% link_to 'padded' 5 %}")
    # the site's own routes, under that URLconf, still link
    assert links("{% link_to 'cases:detail' 5 %}") == "/cases/5/"
