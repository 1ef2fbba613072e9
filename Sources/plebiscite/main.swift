import Foundation
import PlebisciteCLI

// Standard output line by line, into a file or a pipe too: a command that keeps running (monitor,
// serve, demo --open) shows each line when it prints it, not when it exits. (This target is in
// Swift 5 mode for this line alone: Swift 6 has no safe way to name C's `stdout`.)
setvbuf(stdout, nil, _IOLBF, 0)

/// Inside an async function the async `main` of AsyncParsableCommand is chosen (at top level the
/// synchronous one would be, which refuses an async root command).
func start() async { await PlebisciteCommand.main(nil) }

await start()
