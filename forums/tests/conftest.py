import pytest


@pytest.fixture(autouse=True)
def _no_premoderation_unless_asked(settings, request):
    """Most forum tests are about other things than the newcomers' queue.

    Tests marked ``premoderation`` run with the site's default (2 posts).
    """
    if "premoderation" not in request.keywords:
        settings.MODERATION_PREMODERATED_POSTS = 0
