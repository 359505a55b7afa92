"""`dossier serve`: build into a folder of the build cache kept between sessions, serve it under base_url's path
on 127.0.0.1, rebuild on every save, and reload the open pages (or show them the located errors) through
server-sent events.

The modules, from the file system to the command:
    changes   which changed paths matter to the site, and what kind of change each is
    watching  watchdog's events in, debounced batches of changed paths out
    events    the server-sent events the open pages catch up with
    routing   a request target mapped to what it asks for, refusing anything that could leave the site
    hosts     the Host names serve answers to, and the Origins that may follow its events (no DNS rebinding)
    server    the HTTP server and its handler, adding the live-reload script to HTML responses; time limits
    site_folder  where the site is built: `.dossier-cache/serve/`, kept between sessions, or a temporary one
    rebuild   what runs after a batch of changes, behind the `Rebuild` seam
    terminal  what the editor is told: a line per rebuild, new warnings, errors
    session   one serve run tying them together: build, serve, watch, rebuild, tell the pages
    command   `serve_project`, the command's entry point

The live-reload script, its tag and the no-site-yet page are files of the built-in theme
(`themes/default/serve/`).
"""

from dossier.serve.command import serve_project
from dossier.serve.terminal import Terminal

__all__ = ["Terminal", "serve_project"]
