import PlebisciteCLI
PlebisciteCommand.main()
