"""Helpers shared by the interfaces (the API, the staff and public pages, the admin): how a
refusal is shown and how a file is answered. A leaf: it imports the domain (models, queries,
actions) and Django/DRF, never an interface app, so every interface may import it."""
