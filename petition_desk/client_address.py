"""Whose address a rate limit counts, behind the bureau's reverse proxy."""

import ipaddress


def behind_proxy(request) -> str:
    """The client's address as the reverse proxy passes it on (nginx: `proxy_set_header X-Real-IP
    $remote_addr;`), else the connection's. Every request reaches gunicorn from the proxy: counted
    by the connection's address, one person's look-ups used up the public page's budget for the
    whole district. Not an address, the header is ignored."""
    forwarded = request.META.get("HTTP_X_REAL_IP", "").strip()
    try:
        return str(ipaddress.ip_address(forwarded))
    except ValueError:
        return request.META["REMOTE_ADDR"]
