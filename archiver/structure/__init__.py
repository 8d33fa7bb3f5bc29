"""Structure: title, date, metadata and body, with site chrome removed and reported.

- ``lines``: rule-based chrome of plain-text pages (labels, breadcrumbs, navigation).
- ``learned``: boilerplate a site repeats across its own pages, counted per corpus.
- ``metadata``: author, source, truncation notices, redaction markers, Chinese dates.
- ``html``: the main text of saved HTML pages, via trafilatura.
"""

from archiver.structure.lines import Removed, Structure, extract_structure, parse_date

__all__ = ["Removed", "Structure", "extract_structure", "parse_date"]
