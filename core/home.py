"""The home page's sections: what `HomePage` shows of the apps above core.

core may not import publications or experts (the layer contract), so they register what they
put on the home page, from their AppConfig.ready(), and the page asks each section in the
order registered. A section is a provider with two steps, so that the costly part is kept:
- `select(page)`: plain values (ids, counts), kept by the page until the next publish
  (pagecache.memo), so nothing here may be a queryset or a model instance that reads lazily;
- `context(request, page, selected)`: what the template reads, made from those values
  (cards, pages), as a dict merged into the page's context.
"""

_sections = {}


def register_section(name, provider):
    """Add (or replace, for a repeated ready()) the home-page section `name`."""
    _sections[name] = provider


def sections():
    """The registered sections, {name: provider}, in the order they were registered."""
    return dict(_sections)
