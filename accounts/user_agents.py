"""A browser's User-Agent in a few words, for the member's list of devices.

"Chrome, Android" is all a member needs to tell her phone from the staff-room
computer; an exact version would only date the list. The order of the checks
matters: most browsers name others in their User-Agent for old sites' sake
(Edge says "Chrome" and "Safari", Chrome says "Safari"), so the most specific
mark is looked for first.
"""

# (mark in the User-Agent, the browser's name); the first mark found wins.
_BROWSERS = (
    ("YaBrowser/", "Яндекс Браузер"),
    ("YaSearchBrowser/", "Яндекс Браузер"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("Edg/", "Edge"),
    ("EdgA/", "Edge"),
    ("EdgiOS/", "Edge"),
    ("OPR/", "Opera"),
    ("Opera", "Opera"),
    ("Vivaldi/", "Vivaldi"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)

# (mark, the system's name); the first mark found wins ("Android" before
# "Linux", which Android's User-Agent names too; iPhones say "like Mac OS X").
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("iPod", "iOS"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Macintosh", "macOS"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)

LABEL_MAX = 100


def _first(text: str, marks: tuple[tuple[str, str], ...]) -> str:
    return next((name for mark, name in marks if mark in text), "")


def user_agent_label(user_agent: str) -> str:
    """The browser and the system of ``user_agent``: "Chrome, Android",
    "Safari, iOS", "Firefox" — what is known of the two, "" when neither is."""
    text = (user_agent or "")[:1000]
    parts = [_first(text, _BROWSERS), _first(text, _SYSTEMS)]
    return ", ".join(part for part in parts if part)[:LABEL_MAX]
