"""The Markdown editor in a browser: toolbar, preview, @mentions, pictures, drafts."""

import base64
import io
import re

import pytest
from PIL import Image

from accounts.tests.factories import UserFactory
from conftest import assert_accessible, browser_log_in
from forums.models import Post
from forums.tests.factories import SectionFactory, TopicFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DRAFT_KEYS = (
    "() => Object.keys(localStorage).filter(k => k.startsWith('kollegi-draft:'))"
)

# A picture dropped and one pasted, as the browser hands them to the page.
GIVE_PICTURE = """([png, kind]) => {
  const bytes = Uint8Array.from(atob(png), c => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], "схема.png", {type: "image/png"}));
  const field = document.getElementById("id_body");
  const init = {bubbles: true, cancelable: true};
  const event = kind === "drop"
    ? new DragEvent("drop", {...init, dataTransfer: transfer})
    : new ClipboardEvent("paste", {...init, clipboardData: transfer});
  field.dispatchEvent(event);
}"""


def small_png() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 60, 60)).save(buffer, "PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def test_the_reply_editor_formats_previews_mentions_uploads_and_keeps_a_draft(
    page, live_server
):
    author = UserFactory(profile__display_name="Борис Петров")
    UserFactory(username="amorozova", profile__display_name="Анна Морозова")
    topic = TopicFactory(
        section=SectionFactory(title="Математика", slug="matematika"),
        author=author,
        title="Дроби",
    )
    browser_log_in(page, live_server, author)
    page.goto(topic.get_absolute_url())
    editor = page.locator("#id_body")
    page.wait_for_selector("#id_body[data-markdownx-init]", state="attached")
    toolbar = page.get_by_role("toolbar", name="Оформление текста")
    toolbar.wait_for()
    assert_accessible(page)

    # Bold wraps the selection; every button is a target of 24 px at least.
    for button in toolbar.get_by_role("button").all():
        box = button.bounding_box()
        assert box["width"] >= 24, button.get_attribute("title")
        assert box["height"] >= 24, button.get_attribute("title")
    editor.fill("Дроби")
    editor.select_text()
    toolbar.get_by_role("button", name="Жирный").click()
    assert editor.input_value() == "**Дроби**"

    # The preview is the server's rendering.
    preview_button = toolbar.get_by_role("button", name="Предпросмотр")
    preview_button.click()
    assert preview_button.get_attribute("aria-pressed") == "true"
    preview = page.locator("#id_body_preview")
    preview.locator("strong", has_text="Дроби").wait_for()
    assert "**" not in preview.inner_text()

    # "@Ан" suggests Анна by name; Enter inserts the username the parser resolves.
    editor.fill("")
    editor.type("Спасибо, @Ан")
    option = page.get_by_role("option", name=re.compile("Анна Морозова"))
    option.wait_for()
    assert option.get_attribute("aria-selected") == "true"
    assert editor.get_attribute("aria-activedescendant") == option.get_attribute("id")
    assert_accessible(page)
    page.keyboard.press("Enter")
    assert editor.input_value() == "Спасибо, @amorozova "
    assert page.get_by_role("listbox").is_hidden()
    # Escape closes the list and leaves the text as typed.
    editor.type("и @Ан")
    option.wait_for()
    page.keyboard.press("Escape")
    assert page.get_by_role("listbox").is_hidden()
    assert editor.input_value() == "Спасибо, @amorozova и @Ан"

    # A picture dropped, then one pasted, becomes Markdown with its uploaded address.
    editor.fill("Схема:")
    page.evaluate(GIVE_PICTURE, [small_png(), "drop"])
    page.wait_for_function(
        "() => /!\\[\\]\\(\\/media\\/markdownx\\/[^)]+\\)/.test("
        "document.getElementById('id_body').value)"
    )
    page.evaluate(GIVE_PICTURE, [small_png(), "paste"])
    page.wait_for_function(
        "() => (document.getElementById('id_body').value.match(/!\\[\\]\\(/g) || [])"
        ".length === 2"
    )
    text = editor.input_value()
    assert text.startswith("Схема:\n![](/media/markdownx/")

    # The draft survives a reload; it can be deleted; it is gone once sent.
    page.reload()
    page.get_by_text("Восстановлен черновик").wait_for()
    assert editor.input_value() == text
    assert_accessible(page)
    page.get_by_role("button", name="Удалить черновик").click()
    assert editor.input_value() == ""
    assert page.evaluate(DRAFT_KEYS) == []
    editor.fill("Черновик до отправки")
    page.wait_for_function(DRAFT_KEYS + ".length === 1")
    page.get_by_role("button", name="Отправить").click()
    page.wait_for_url(re.compile(r"#post-\d+$|/forums/"))
    page.get_by_text("Черновик до отправки").first.wait_for()
    page.wait_for_load_state("networkidle")
    assert page.evaluate(DRAFT_KEYS) == []
    assert Post.objects.filter(topic=topic, body="Черновик до отправки").exists()


def test_a_refused_picture_is_explained_next_to_the_field(page, live_server):
    author = UserFactory()
    topic = TopicFactory(author=author)
    browser_log_in(page, live_server, author)
    page.goto(topic.get_absolute_url())
    page.get_by_role("toolbar", name="Оформление текста").wait_for()
    page.locator("#id_body").fill("Текст")

    page.evaluate(
        GIVE_PICTURE.replace('"image/png"', '"text/plain"'),
        [base64.b64encode(b"not a picture").decode(), "drop"],
    )

    status = page.locator("#id_body_status.is-error")
    status.wait_for()
    assert re.search("[а-я]", status.inner_text())
    assert page.locator("#id_body").input_value() == "Текст"


def test_the_toolbar_is_one_tab_stop_with_arrows_between_buttons(page, live_server):
    author = UserFactory()
    topic = TopicFactory(author=author)
    browser_log_in(page, live_server, author)
    page.goto(topic.get_absolute_url())
    page.get_by_role("toolbar", name="Оформление текста").wait_for()
    editor = page.locator("#id_body")
    editor.fill("урок")
    editor.select_text()

    page.keyboard.press("Shift+Tab")
    focused = "() => document.activeElement.getAttribute('title')"
    assert page.evaluate(focused) == "Жирный"
    page.keyboard.press("ArrowRight")
    assert page.evaluate(focused) == "Курсив"
    page.keyboard.press("Enter")

    assert editor.input_value() == "_урок_"
    assert editor.evaluate("node => node === document.activeElement")


def test_without_javascript_a_plain_text_area_sends_the_reply(browser, live_server):
    author = UserFactory()
    topic = TopicFactory(author=author)
    context = browser.new_context(
        base_url=live_server.url, locale="ru-RU", java_script_enabled=False
    )
    page = context.new_page()
    try:
        browser_log_in(page, live_server, author)
        page.goto(topic.get_absolute_url())
        assert page.get_by_role("toolbar").count() == 0
        page.locator("#id_body").fill("Без скриптов")
        page.get_by_role("button", name="Отправить").click()
        page.get_by_text("Без скриптов").first.wait_for()
    finally:
        context.close()
    assert Post.objects.filter(topic=topic, body="Без скриптов").exists()
