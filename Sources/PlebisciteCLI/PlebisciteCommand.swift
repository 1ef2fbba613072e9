import ArgumentParser
import ElectionRecord

/// The `plebiscite` command line.
@available(macOS 10.15, macCatalyst 13, iOS 13, tvOS 13, watchOS 6, *)
public struct PlebisciteCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "plebiscite",
        abstract: "A referendum system in which every claim can be checked by anyone.",
        discussion: """
            Start with `plebiscite demo`: a complete referendum on the embedded record, verified.
            The step commands (election, trustee, authority, device, vote, close, tally, combine)
            run a real referendum from files or, given --record http://HOST:PORT/elections/ID, through a board
            (`plebiscite serve`); `plebiscite verify RECORD` checks any record, on disk or on a board.
            """,
        subcommands: [
            Demo.self, Verify.self, Results.self, Bench.self,
            ElectionCommand.self, TrusteeCommand.self, AuthorityCommand.self, DeviceCommand.self,
            Publish.self, Vote.self, Close.self, TallyCommand.self, Combine.self, ForensicsCommand.self, Serve.self,
            Monitor.self, Export.self, ReceiptCommand.self, Audit.self,
        ]
    )

    public init() {}
}

/// Options shared by commands that can use several cores.
struct WorkerOptions: ParsableArguments {
    @Option(name: .long, help: "Threads to use (default: all cores).")
    var workers: Int?

    var count: Int { max(1, workers ?? Parallel.cores) }

    func validate() throws {
        if let w = workers, w < 1 { throw ValidationError("--workers must be at least 1") }
    }
}
