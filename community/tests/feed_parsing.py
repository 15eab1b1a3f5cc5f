"""Reading RSS and Atom answers in tests, with defusedxml (already a dependency)."""

from dataclasses import dataclass, field

from defusedxml import ElementTree

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"


@dataclass
class Item:
    title: str
    link: str
    description: str
    author: str
    published: str
    categories: list[str] = field(default_factory=list)


@dataclass
class ParsedFeed:
    title: str
    link: str
    items: list[Item]

    @property
    def titles(self) -> list[str]:
        return [item.title for item in self.items]


def parse_rss(response) -> ParsedFeed:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ElementTree.fromstring(response.content).find("channel")
    items = [
        Item(
            title=item.findtext("title"),
            link=item.findtext("link"),
            description=item.findtext("description") or "",
            author=item.findtext(f"{DC}creator") or "",
            published=item.findtext("pubDate") or "",
            categories=[category.text for category in item.findall("category")],
        )
        for item in channel.findall("item")
    ]
    return ParsedFeed(channel.findtext("title"), channel.findtext("link"), items)


def parse_atom(response) -> ParsedFeed:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)
    items = [
        Item(
            title=entry.findtext(f"{ATOM}title"),
            link=entry.find(f"{ATOM}link").get("href"),
            description=entry.findtext(f"{ATOM}summary") or "",
            author=entry.findtext(f"{ATOM}author/{ATOM}name") or "",
            published=entry.findtext(f"{ATOM}published") or "",
            categories=[
                category.get("term") for category in entry.findall(f"{ATOM}category")
            ],
        )
        for entry in root.findall(f"{ATOM}entry")
    ]
    link = next(
        (link.get("href") for link in root.findall(f"{ATOM}link")
         if link.get("rel") == "alternate"),
        "",
    )  # fmt: skip
    return ParsedFeed(root.findtext(f"{ATOM}title"), link, items)
