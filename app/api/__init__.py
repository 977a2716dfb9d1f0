"""The open-data API: read-only JSON under ``/api/v1/``, its OpenAPI document, the
reference page and the per-process data package (CSV files + datapackage.json).

Layout (callers import the module they need; nothing here is imported for effects):

- ``spec``: the flask-smorest ``Api`` that generates the OpenAPI 3.1 document;
- ``blueprint``: the API blueprint, its query parser (400 for unknown parameters),
  CORS and content negotiation; ``routes``: every URL of the API, in one place;
- ``params`` and ``schemas``: marshmallow schemas of the query strings and of the
  answers (the same classes serialise and document);
- ``problems``: errors as ``application/problem+json`` (RFC 9457) under ``/api/``;
- ``conditional``: ETag, ``If-None-Match`` → 304, Cache-Control, the body cache;
- ``versions``: the cheap fingerprints the ETags are made of;
- ``reading/``: what each answer contains, built from the features' services;
- ``views``: thin view functions; ``reference``: the HTML reference page;
- ``dump``, ``tasks``, ``cli``: the open-data package, built by Celery and cached.

Only what an anonymous visitor may see is ever served (``app.core.policy``).
"""
