"""Every admin URL the project serves, read from the URL resolver with dummy path values."""

import re

from django.urls import URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern

# Values tried for a path parameter, first match wins (ids, slugs, page paths, revisions,
# uuids).
CANDIDATES = ["1", "x", "a/", "live", "bib", "1/x", "00000000-0000-4000-8000-000000000000"]
ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _fill_route(route, converters):
    def value(match):
        converter = converters[match["name"]]
        for candidate in CANDIDATES:
            if re.fullmatch(converter.regex, candidate):
                return candidate
        raise AssertionError(f"no dummy value for {match[0]} in {route}")

    return ROUTE_PARAM.sub(value, route)


def _groups(regex):
    """Top-level groups of a regex as (start, end) spans."""
    spans, depth, start, escaped = [], 0, None, False
    for i, char in enumerate(regex):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "(":
            if depth == 0:
                start = i
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                spans.append((start, i + 1))
    return spans


def _fill_regex(regex):
    body = regex.removeprefix("^").removesuffix("$").removesuffix(r"\Z")
    out, last = [], 0
    for start, end in _groups(body):
        out.append(body[last:start])
        group = body[start:end]
        for candidate in CANDIDATES:
            if re.fullmatch(group, candidate):
                out.append(candidate)
                break
        else:
            raise AssertionError(f"no dummy value for {group} in {regex}")
        last = end
    out.append(body[last:])
    return re.sub(r"\\(.)", r"\1", "".join(out))


def _fill(pattern):
    if isinstance(pattern, RoutePattern):
        return _fill_route(str(pattern._route), pattern.converters)
    if isinstance(pattern, RegexPattern):
        return _fill_regex(pattern._regex)
    raise AssertionError(f"unknown pattern type {pattern!r}")


def _walk(resolver, prefix):
    for entry in resolver.url_patterns:
        path = prefix + _fill(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry, path)
        else:
            yield path, entry.name


def admin_urls():
    """(path, url name) for every pattern under admin/; each path resolves to its pattern."""
    found = []
    for path, name in _walk(get_resolver("config.urls"), "/"):
        if not path.startswith("/admin/"):
            continue
        assert resolve(path).url_name == name, (path, name, resolve(path).url_name)
        found.append((path, name))
    return found
