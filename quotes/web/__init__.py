"""`quotes serve`: the web view of the database (Datasette pages in ``serve``, the SVG timelines in ``timeline``)."""
