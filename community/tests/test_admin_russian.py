"""The admin site reads in Russian: no label of ours is left in English.

Every list, add and change page of every registered model is opened by a
superuser (who sees every column, field, filter and action) in Russian, and
what the page names things with is collected: column headers, field labels,
fieldset and inline headings, filter titles, action names, buttons and icon
texts. On the audit and moderation logs the actions are read too, and the
staff roles' groups must not show the names they are stored under.
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.roles import STAFF_ROLES
from accounts.tests.factories import UserFactory
from community.models import AuditEntry
from community.tests.test_admin_pages import _by_model, _world

pytestmark = pytest.mark.django_db

OURS = {
    "accounts",
    "community",
    "forums",
    "materials",
    "masterclasses",
    "circles",
    "growth",
    "contests",
    "auth",
}
# Names and technical words a Russian page writes in Latin letters.
ALLOWED = {"ID", "URL", "HTML", "Markdown", "e-mail", "iCal", "IP", "English"}
# What Django itself writes on its icons, on every admin page.
DJANGO_ICONS = {"True", "False", "None", "Search"}
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z-]*[A-Za-z]")
VOID = {"area", "br", "col", "hr", "img", "input", "link", "meta", "source", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict
    parent: "Node | None" = None
    children: list = field(default_factory=list)

    def text(self) -> str:
        parts = [
            child if isinstance(child, str) else child.text() for child in self.children
        ]
        return " ".join(" ".join(parts).split())

    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def within(self, test) -> bool:
        node = self.parent
        while node is not None:
            if test(node):
                return True
            node = node.parent
        return False

    def walk(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.walk()


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.root = self.current = Node("document", {})

    def handle_starttag(self, tag: str, attrs: list) -> None:
        node = Node(tag, {key: value or "" for key, value in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag: str) -> None:
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def _has_id(name: str):
    return lambda node: node.attrs.get("id") == name


def _labels(html: str, *, ours: bool, logs: bool) -> list[tuple[str, str]]:
    """(what, text) for everything the page names things with."""
    tree = _Tree()
    tree.feed(html)
    found = []
    for node in tree.root.walk():
        if node.tag == "img" and (ours or node.attrs.get("alt") in DJANGO_ICONS):
            found.append(("icon text", node.attrs["alt"]))
        if not ours:
            continue  # a library's admin: only Django's own icons are ours to fix
        if node.tag == "th" and node.within(lambda n: n.tag == "thead"):
            found.append(("column", node.text()))
        elif node.tag in ("label", "legend", "caption"):
            found.append((node.tag, node.text()))
        elif node.tag == "h2" and node.within(
            lambda n: n.tag == "fieldset" or "inline-group" in n.classes()
        ):
            found.append(("heading", node.text()))
        elif node.tag in ("summary", "h3") and node.within(
            _has_id("changelist-filter")
        ):
            found.append(("filter", node.text()))
        elif node.tag == "option" and node.within(
            lambda n: n.tag == "select" and n.attrs.get("name") == "action"
        ):
            found.append(("action", node.text()))
        elif node.tag == "input" and node.attrs.get("type") == "submit":
            found.append(("button", node.attrs.get("value", "")))
        elif logs and (
            "field-action" in node.classes()
            or node.within(lambda n: "field-action" in n.classes())
        ):
            found.append(("logged action", node.text()))
        elif logs and node.tag == "a" and node.within(_has_id("changelist-filter")):
            found.append(("filter choice", node.text()))
        if (
            node.tag in ("a", "option", "h2", "td", "div")
            and node.text() in STAFF_ROLES
        ):
            found.append(("stored role name", node.text()))
    return found


def _english(text: str) -> bool:
    return any(word not in ALLOWED for word in LATIN_WORD.findall(text))


def test_admin_pages_name_everything_in_russian(moderator):
    rows = _by_model(_world(moderator))
    # The one entry the admin tests write by hand, with a code no app writes.
    rows[AuditEntry] = [
        entry for entry in rows[AuditEntry] if entry.action != "cleanup"
    ]
    AuditEntry.objects.filter(action="cleanup").delete()
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(superuser)
    request = RequestFactory().get("/")
    request.user = superuser
    untranslated = set()

    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        urls = [reverse("admin:{}_{}_changelist".format(*info))]
        if model_admin.has_add_permission(request):
            urls.append(reverse("admin:{}_{}_add".format(*info)))
        urls += [
            reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
            for obj in rows.get(model, [])
        ]
        ours = info[0] in OURS
        logs = model._meta.label in ("community.AuditEntry", "forums.ModerationLog")
        for url in urls:
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="ru")
            assert response.status_code == 200, url
            for what, text in _labels(response.content.decode(), ours=ours, logs=logs):
                if what == "stored role name" or _english(text):
                    untranslated.add(f"{url}: {what} «{text}»")

    assert not untranslated, "\n".join(sorted(untranslated))
