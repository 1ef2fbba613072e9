import BoardAPI
import BoardService
import ElectionRecord
import ElectionVerifier
import Forensics
import Foundation
import RecordForensics

/// The verifier's report on each election's record, run by the server itself on the record as
/// anyone downloads it, so observers see a verdict without running anything. It follows the board:
/// whenever the log has grown, a run reads the new entries and heads into the election's verifier,
/// which keeps what it read before (the checks are incremental), and the answer says how many of
/// the board's entries the report covers.
public actor VerificationReports {
    /// What GET /elections/ID/verification answers.
    public struct Answer: Codable, Sendable {
        /// The phase and log size the report covers (nil before the first run ends).
        public var phase: ElectionStatus.Phase?
        public var entries: Int?
        /// The board's log size when asked: `entries` less than this while a run catches up.
        public var boardEntries: Int
        /// A run is under way, for entries the report does not cover yet.
        public var running: Bool
        public var report: VerificationReport?
        /// Whether /elections/ID/forensics.html holds the forensics of the verified result.
        public var forensics: Bool
        /// How to check it yourself.
        public var howToVerify: String
    }

    private struct Done {
        var phase: ElectionStatus.Phase
        var entries: Int
        var report: VerificationReport
        /// The forensics report (HTML) of a verified result with precinct-level counts, in each
        /// language, rendered once rather than on every anonymous request.
        var forensics: [DocumentLanguage: String]?
    }

    /// An election's verifier and how far it has read; one run at a time uses it (`running`).
    private final class Progress: @unchecked Sendable {
        let verifier: RecordVerifier
        var entries = 0
        var headSize = -1
        init(_ verifier: RecordVerifier) { self.verifier = verifier }
    }

    private var done: [String: Done] = [:]
    private var progress: [String: Progress] = [:]
    private var running: [String: Task<Void, Never>] = [:]
    private let service: BoardService
    private let workers: Int

    public init(service: BoardService, workers: Int = max(1, Parallel.cores / 2)) {
        self.service = service
        self.workers = workers
    }

    /// The latest report, starting a run when the log holds entries the report does not cover.
    public func answer(_ id: String) async throws(BoardError) -> Answer {
        let status = try await service.status(id)
        if (done[id]?.entries ?? -1) < status.entries, running[id] == nil { start(id) }
        let d = done[id]
        return Answer(
            phase: d?.phase, entries: d?.entries, boardEntries: status.entries, running: running[id] != nil, report: d?.report,
            forensics: d?.forensics != nil,
            howToVerify: "plebiscite verify URL-OF-THIS-ELECTION, or download record.zip, unzip it and run plebiscite verify DIR")
    }

    /// Starts a run unless one is under way (after a phase change, say).
    public func refresh(_ id: String) {
        if running[id] == nil { start(id) }
    }

    /// The forensics report of the last verified result in `language`, if there is one.
    public func forensics(_ id: String, language: DocumentLanguage) -> String? { done[id]?.forensics?[language] }

    /// Waits for the run under way, if any (tests, shutdown).
    public func settle(_ id: String) async { await running[id]?.value }

    private func start(_ id: String) {
        let service = service, workers = workers, kept = progress[id], earlier = done[id]
        running[id] = Task.detached(priority: .utility) { [weak self] in
            // The heads and the size they lie within, then the new lines in pages.
            guard let snapshot = try? await service.snapshot(id) else {
                await self?.finish(id, nil, nil)
                return
            }
            let p = kept ?? Progress(RecordVerifier(manifestBytes: snapshot.manifest, workers: workers))
            var lines = [[UInt8]]()
            while p.entries + lines.count < snapshot.size {
                let from = p.entries + lines.count
                guard let page = try? await service.lines(id, range: from..<min(snapshot.size, from + BoardService.pageSize)) else {
                    await self?.finish(id, nil, p)
                    return
                }
                lines += page
            }
            let chunk = LoadedRecord.parse(manifestBytes: snapshot.manifest, log: lines.flatMap { $0 + [0x0A] }, workers: workers)
            p.verifier.reportLineProblems(chunk.problems.map { LineProblem(line: $0.line + p.entries, message: $0.message) })
            p.verifier.ingest(chunk.entries)
            p.verifier.ingest(treeHeads: snapshot.heads.filter { $0.size > p.headSize })
            p.headSize = snapshot.heads.map(\.size).max() ?? p.headSize
            p.entries = snapshot.size
            let report = p.verifier.report()
            // Forensics only of a result the verifier accepted, once.
            var forensics = earlier?.forensics
            if forensics == nil, report.ok, let summary = report.result,
                let manifest = try? RecordCoding.decode(Manifest.self, from: snapshot.manifest),
                let analysis = try? ResultsCSV.analysis(summary, manifest: manifest, source: "election \(id)", workers: workers)
            {
                forensics = Dictionary(uniqueKeysWithValues: DocumentLanguage.allCases.map { ($0, analysis.html($0)) })
            }
            let phase = ElectionStatus.Phase(rawValue: report.phase) ?? .setup
            await self?.finish(id, Done(phase: phase, entries: snapshot.size, report: report, forensics: forensics), p)
        }
    }

    private func finish(_ id: String, _ result: Done?, _ kept: Progress?) {
        if let result { done[id] = result }
        if let kept { progress[id] = kept }
        running[id] = nil
    }
}
