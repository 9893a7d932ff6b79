"""The chat's knobs, read from the settings at each use (never at import time).

| Setting | Default | Meaning |
|---|---|---|
| HOUSING_CHAT_AGENT_MAX_CHATS | 3 | chats an agent holds at once unless their own limit says otherwise |
| HOUSING_CHAT_MESSAGE_MAX_CHARS | 2000 | longest message, either side |
| HOUSING_CHAT_MESSAGES_PER_MINUTE | 30 | messages one connection may send in a minute |
| HOUSING_CHAT_STARTS_PER_HOUR | 10 | chats (and left messages) one address may start in an hour |
| HOUSING_CHAT_HANDLING_MINUTES | 6 | mean chat length used for the expected wait before today has its own |
| HOUSING_CHAT_OPEN_ALWAYS | False | chat staffed round the clock (else the business calendar's working hours) |
| HOUSING_CHAT_WS_PORT | 0 | the websocket port when it is not the page's (0: same origin) |
| HOUSING_VIDEO_MEETING_URL | https://meet.housing.gov.bh/{room} | the meeting service; {room} is replaced |
| HOUSING_CHAT_EMBED_ORIGINS | [] | web sites allowed to frame the embeddable panel |
"""

from django.conf import settings


def _get(name: str, default):
    return getattr(settings, name, default)


def agent_max_chats() -> int:
    return int(_get("HOUSING_CHAT_AGENT_MAX_CHATS", 3))


def message_max_chars() -> int:
    return int(_get("HOUSING_CHAT_MESSAGE_MAX_CHARS", 2000))


def messages_per_minute() -> int:
    return int(_get("HOUSING_CHAT_MESSAGES_PER_MINUTE", 30))


def starts_per_hour() -> int:
    return int(_get("HOUSING_CHAT_STARTS_PER_HOUR", 10))


def handling_minutes() -> float:
    return float(_get("HOUSING_CHAT_HANDLING_MINUTES", 6))


def open_always() -> bool:
    return bool(_get("HOUSING_CHAT_OPEN_ALWAYS", False))


def ws_port() -> int:
    return int(_get("HOUSING_CHAT_WS_PORT", 0))


def meeting_url(room: str) -> str:
    return str(_get("HOUSING_VIDEO_MEETING_URL", "https://meet.housing.gov.bh/{room}")).replace(
        "{room}", room
    )


def embed_origins() -> list[str]:
    return list(_get("HOUSING_CHAT_EMBED_ORIGINS", []))
