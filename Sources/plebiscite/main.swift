import PlebisciteCLI

PlebisciteCommand.main()
