import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from petition_desk.links import links_to

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


def test_no_route_is_translated_so_a_rendering_keeps_its_links_through_a_language_block():
    with translation.override("zh-hans"):
        chinese = reverse("cases:detail", args=[5])
        rendered = links(
            "{% load i18n %}{% link_to 'cases:detail' 5 %} "
            "{% language 'en' %}{% link_to 'cases:detail' 5 %}{% endlanguage %}"
        )
    with translation.override("en"):
        english = reverse("cases:detail", args=[5])

    assert rendered == f"{chinese} {english}"


@pytest.mark.parametrize("pk", [True, 5.7, -3, "5"])
def test_what_is_no_id_is_refused_or_linked_as_the_url_tag_does(pk):
    url_tag = Template("{% url 'cases:detail' pk %}")
    try:
        expected = url_tag.render(Context({"pk": pk}))
    except NoReverseMatch:
        with pytest.raises(NoReverseMatch):
            links("{% link_to 'cases:detail' pk %}", pk=pk)
    else:
        assert links("{% link_to 'cases:detail' pk %}", pk=pk) == expected


@override_settings(ROOT_URLCONF="tests.links_urls")
def test_a_route_that_writes_its_id_otherwise_is_refused_rather_than_linked_wrong():
    assert reverse("padded", args=[5]) == "/padded/00000005/"

    with pytest.raises(ValueError, match="padded does not write its id as its digits"):
        links("{% link_to 'padded' 5 %}")
    # the site's own routes, under that URLconf, still link
    assert links("{% link_to 'cases:detail' 5 %}") == "/cases/5/"


def test_python_gets_the_addresses_the_tag_gives():
    address = links_to("intake:petitioner")

    assert [address(pk) for pk in (1, 4096)] == [reverse("intake:petitioner", args=[pk]) for pk in (1, 4096)]
    with pytest.raises(NoReverseMatch):
        address(-3)
