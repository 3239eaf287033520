from tests.notifications.smtp_sink import black_hole, smtp_sink  # noqa: F401 - fixtures
