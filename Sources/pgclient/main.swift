import PGClientCLI

PGClientCommand.main()
