"""``python -m a3s_code.cli``: the same as the ``a3s-code`` console script."""

from . import main

main()
