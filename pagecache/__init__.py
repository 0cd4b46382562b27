"""The edge cache's side in the application, and the memo.

`middleware` marks responses shareable (with the cache tags the proxy bans on) or private;
`purge` records purges in the publishing transaction and sends them to the proxy through
Wagtail's frontend cache (`frontend`) until acknowledged; `memo` keeps values derived from
published content under the database's publish generation. The application keeps no pages.
It knows nothing of the page types: they name their own tags (see publications.invalidation).
"""
