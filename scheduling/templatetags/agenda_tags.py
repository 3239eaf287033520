"""The time tags under the name the scheduling templates load: the same library as
`accounts.templatetags.times` (one implementation)."""

from accounts.templatetags.times import register  # noqa: F401
