from a3s_lsp.cli import main

main()
