"""The documents app's message kinds (one module each), registered with the outbox in
`DocumentsConfig.ready()`."""

from . import certificate_issued  # noqa: F401 - registers the kind
