"""What a screen reader hears at the window desk, in the bureau's language: linking the visit to an
earlier case and undoing it, where the keyboard goes after undoing it, and fields named without
the asterisk that marks them required (a review)."""

import pytest
from playwright.sync_api import Page, expect

from intake.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Screen readers read out a change of text in a live region that was rendered before the change:
# one hidden until then (display: none, `hidden`) is silent when it appears. This records, in the
# page, the text of every live region whose content changed while it was and stayed rendered.
LISTEN = """() => {
  const LIVE = '[aria-live]:not([aria-live="off"]), [role=status], [role=alert], [role=log]';
  const rendered = new WeakMap();
  const look = () => document.querySelectorAll(LIVE).forEach(
    region => rendered.set(region, region.checkVisibility({visibilityProperty: true})));
  window.announced = [];
  look();
  new MutationObserver(records => {
    const changed = new Set();
    for (const record of records) {
      if (record.type === "attributes") continue;
      const node = record.target.nodeType === Node.ELEMENT_NODE ? record.target : record.target.parentElement;
      const region = node && node.closest(LIVE);
      if (region) changed.add(region);
    }
    changed.forEach(region => {
      if (rendered.get(region) && region.checkVisibility({visibilityProperty: true})) {
        window.announced.push(region.textContent.replace(/\\s+/g, " ").trim());
      }
    });
    look();
  }).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});
}"""


def announced(page: Page) -> list[str]:
    return page.evaluate("window.announced")


def log_in_at_the_window(page: Page, live_server) -> None:
    """The receptionist signs in on the page as the bureau has it, in Simplified Chinese."""
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("reception")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/login/" not in url, wait_until="load")


def link_her_earlier_case(page: Page, case) -> None:
    """Her name and town bring up her open case in the look-up panel; linked by keyboard."""
    # One look-up answered before the next is asked: a late answer redraws the panel and takes
    # the focus from the button about to be pressed.
    with page.expect_response(lambda response: "/desk/lookup/" in response.url):
        page.get_by_label("镇（街道）").select_option(label="黎里镇（汾湖高新区）")
    with page.expect_response(lambda response: "/desk/lookup/" in response.url):
        page.get_by_label("姓名", exact=True).fill("沈桂英")
    panel = page.get_by_role("region", name="是否来访过？")
    link = panel.get_by_role("button", name=f"关联为重复访: {case.number}")
    link.focus()
    page.evaluate(LISTEN)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="改为新立信访件")).to_be_visible()


def test_linking_an_earlier_case_and_undoing_it_are_announced(page: Page, live_server, her_case):
    log_in_at_the_window(page, live_server)

    link_her_earlier_case(page, her_case)
    linked = f"本次来访为重复访，所涉信访件 {her_case.number}，不另立新件。"
    assert announced(page)[-1:] == [linked], announced(page)

    page.get_by_role("button", name="改为新立信访件").press("Enter")
    expect(page.get_by_label("事实经过")).to_be_visible()
    assert announced(page)[-1:] == ["本次来访不再作为重复访，将新立信访件。"], announced(page)


def test_opening_a_new_case_instead_puts_the_keyboard_at_the_matter(page: Page, live_server, her_case):
    """The button pressed disappears with the banner: focus must not fall back to the page."""
    log_in_at_the_window(page, live_server)
    link_her_earlier_case(page, her_case)

    page.get_by_role("button", name="改为新立信访件").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_label("事实经过")).to_be_focused()


def expect_named_without_asterisk(page: Page, role: str, name: str) -> None:
    field = page.get_by_role(role, name=name, exact=True)
    expect(field).to_be_visible()
    assert field.evaluate("field => field.required"), f"{name} no longer says it is required"


def test_required_fields_on_the_desk_are_named_without_the_asterisk(page: Page, live_server, bureau):
    """Read as "来访人数 star" otherwise. The empty desk's forms come from a cache of rendered HTML,
    a refused one's are rendered with what was typed: both are checked."""
    log_in_at_the_window(page, live_server)
    expect_named_without_asterisk(page, "spinbutton", "来访人数")
    expect_named_without_asterisk(page, "textbox", "事实经过")

    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.get_by_text("来访未登记成功")).to_be_visible()

    expect_named_without_asterisk(page, "spinbutton", "来访人数")
    expect_named_without_asterisk(page, "textbox", "事实经过")


def test_the_login_form_names_its_fields_without_the_asterisk(page: Page, live_server, bureau):
    page.goto(f"{live_server.url}/login/")

    username = page.get_by_role("textbox", name="用户名", exact=True)
    expect(username).to_be_visible()
    assert username.evaluate("field => field.required"), "用户名 no longer says it is required"
