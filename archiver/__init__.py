"""archiver: repair and archive scraped Chinese text.

The library surface mirrors ftfy: ``fix_text`` and ``fix_and_explain`` repair text
only; ``clean`` also decodes bytes and splits title, date and body from site chrome.
"""

__version__ = "0.1.0"

from archiver.document import Document, clean  # noqa: E402
from archiver.errors import ArchiverError, InputError  # noqa: E402
from archiver.fixes import Fix  # noqa: E402
from archiver.repair import fix_and_explain, fix_text  # noqa: E402

__all__ = ["ArchiverError", "Document", "Fix", "InputError", "__version__", "clean", "fix_and_explain", "fix_text"]
