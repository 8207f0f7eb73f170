"""a3s-lsp: the daemon that serves the A3S Code engine to editors over LSP and ``a3s/*`` JSON-RPC."""

__version__ = "0.1.0"
