"""Who is asking: the client address used for rate limits and lock-outs."""


def client_ip(request) -> str:
    # The web containers sit behind the ministry's load balancer, which gives the client's
    # address to the WSGI server (gunicorn --forwarded-allow-ips); a client-sent
    # X-Forwarded-For header is never trusted here.
    return request.META.get("REMOTE_ADDR", "") or "unknown"
