"""Development on one machine: debug pages on, everything else from base.py."""

from .base import *

DEBUG = env.bool("DJANGO_DEBUG", default=True)
