"""`dossier import`: bring an article in from the web, a saved page or pasted text.

One run (`command`): fetch or read the page (`fetch`), extract its text and metadata with trafilatura
(`extract`), leave out the furniture that survived (`furniture`), write the text as safe Markdown
(`safe_markdown`) under its front matter (`front_matter`) into the story, and register the outlet if it is
new (`outlets`). Everything is computed before anything is written.

The page is untrusted. Its text is escaped as it is written, so nothing in it can become Markdown syntax,
raw HTML or a link; links are kept only to http(s):// and mailto: addresses; and the result is parsed
once more to prove it holds no HTML and no other link.

This package exports the command's public API only; the parts are imported from the modules that define them.
"""

from dossier.importer.command import Imported, ImportRequest, import_article, one_request_per_page
from dossier.importer.failures import FetchFailed, ImportFailed

__all__ = ["FetchFailed", "ImportFailed", "ImportRequest", "Imported", "import_article", "one_request_per_page"]
