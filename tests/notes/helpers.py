import datetime

from notes import services

NOW = datetime.datetime(2027, 3, 1, 10, 0, tzinfo=datetime.UTC)
PAYLOADS = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>',
            '<a href="javascript:alert(1)">x</a>', '"><svg onload=alert(1)>',
            '<iframe src="https://evil.example"></iframe>', "[x](javascript:alert(1))",
            '<b onmouseover=alert(1)>bold</b>']


def save(user, slot, text, base, section="key_points", minutes=0):
    return services.save_section(user=user, slot=slot, section=section, text=text, base_number=base,
                                 saved_at=NOW + datetime.timedelta(minutes=minutes))
