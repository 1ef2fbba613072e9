import PlebisciteCLI

/// Inside an async function the async `main` of AsyncParsableCommand is chosen (at top level the
/// synchronous one would be, which refuses an async root command).
func start() async { await PlebisciteCommand.main(nil) }

await start()
