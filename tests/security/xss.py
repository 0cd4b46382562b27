"""An XSS payload corpus and the check that a page executes none of it."""

from bs4 import BeautifulSoup

PAYLOADS = [
    "<script>alert(1)</script>",
    "<ScRiPt>alert(1)</sCrIpT>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "'><svg/onload=alert(1)>",
    "javascript:alert(1)",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt&colon;alert(1)">click</a>',
    "<iframe src=javascript:alert(1)></iframe>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "{{ 7*7 }}<!--#exec cmd='id'-->",
]


def executable_parts(html, allowed_scripts=()):
    """Script elements, event-handler attributes and javascript: URLs found in a page."""
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for script in soup.find_all("script"):
        if script.get("type") in ("application/ld+json", *allowed_scripts) or script.get("src"):
            continue
        found.append(f"script: {str(script)[:80]}")
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            text = " ".join(value) if isinstance(value, list) else str(value)
            if name.lower().startswith("on"):
                found.append(f"{tag.name}[{name}]")
            if name.lower() in ("href", "src", "action", "formaction", "data", "srcdoc") and (
                text.strip().lower().replace("\\x00", "").startswith(("javascript:", "data:text"))
            ):
                found.append(f"{tag.name}[{name}={text[:40]}]")
        if tag.name in ("iframe", "object", "embed", "math", "base"):
            found.append(f"element: {tag.name}")
    return found
