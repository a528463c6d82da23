"""The client a per-address limit counts: an IPv4 address, or an IPv6 /64.

One IPv6 subscriber (a home, a phone) is given a whole /64 and may use any address in
it, so counting single IPv6 addresses would give one client billions of fresh counters.
"""

import ipaddress

from flask import request

IPV6_CLIENT_PREFIX = 64


def address_key(address: str | None) -> str:
    """The client unit of an address: IPv4 as is, IPv6 as its /64 (IPv4-mapped as IPv4)."""
    try:
        parsed = ipaddress.ip_address((address or "").split("%", 1)[0])
    except ValueError:
        return address or "unknown"
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.IPv6Network((parsed, IPV6_CLIENT_PREFIX), strict=False))


def client_address() -> str:
    """The client unit of this request (after ProxyFix): the key of every per-address limit."""
    return address_key(request.remote_addr)
