"""Starts bootstrap.py as the main program from its cached bytecode.

Python compiles a script named on its command line every time it starts (about 4 ms for bootstrap.py), and caches
only imported modules. This launcher takes bootstrap.py's code through the import system's own source loader, which
uses ``__pycache__/bootstrap.<tag>.pyc`` when it matches the source (the host writes it; /var/runtime is read-only in
a sandbox) and otherwise compiles the source as before. The code then runs exactly as ``python bootstrap.py`` would:
as ``__main__``, with ``__file__`` and ``sys.argv[0]`` naming bootstrap.py, and this directory first on sys.path.
Only the frozen import machinery is used: nothing is imported that the interpreter had not loaded already.
"""

import sys
from _frozen_importlib_external import SourceFileLoader as _Loader

__file__ = sys.argv[0] = __file__.rpartition("/")[0] + "/bootstrap.py"
_code = _Loader("__main__", __file__).get_code("__main__")
del _Loader
exec(_code)
