"""The full-page cache for anonymous readers and its purging.

`middleware` serves and stores whole responses; `store` keeps them in a Django cache with
dependency tags; `purge` bumps tags and tells the caching proxy (Varnish) when content changes.
It knows nothing of the page types: they name their own tags (see publications.invalidation).
"""
