"""One module per entry ``(kind, schema)``; ``registry.KINDS`` lists them (DESIGN §2).

Adding a kind is adding a module here that defines its ``KIND`` and listing it in
``registry.py``; the ingest path, the OpenAPI schema and the sample tests follow.
"""
