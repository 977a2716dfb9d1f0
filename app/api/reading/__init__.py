"""What each API answer contains, as plain data for the schemas to serialise.

Built from the features' services and a fixed number of queries per answer, however
many rows it holds; only what an anonymous visitor may see (``app.core.policy``).
"""
