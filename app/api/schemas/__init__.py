"""Marshmallow schemas of the API's answers: they serialise the answers and, through
apispec, are the OpenAPI document's components. ``common`` holds the shared parts."""
