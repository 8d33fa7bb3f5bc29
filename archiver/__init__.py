"""archiver: repair and archive scraped Chinese text.

The library surface mirrors ftfy: ``fix_text`` and ``fix_and_explain`` repair text
only; ``clean`` also decodes bytes and splits title, date and body from site chrome.
"""

__version__ = "0.1.0"

from archiver.document import Document, clean
from archiver.errors import ArchiverError, InputError
from archiver.fixes import Fix
from archiver.repair import fix_and_explain, fix_text

__all__ = ["ArchiverError", "Document", "Fix", "InputError", "__version__", "clean", "fix_and_explain", "fix_text"]
