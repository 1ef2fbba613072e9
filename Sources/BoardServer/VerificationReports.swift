import BoardAPI
import BoardService
import ElectionRecord
import ElectionVerifier
import Foundation
import RecordForensics

/// The verifier's report on each election's record, run by the server itself once per phase
/// (after the close, the tally, the decryption; and once during setup and voting), on the record
/// exactly as anyone downloads it, so observers see a verdict without running anything.
public actor VerificationReports {
    /// What GET /elections/ID/verification answers.
    public struct Answer: Codable, Sendable {
        /// The phase and log size the report covers (nil before the first run ends).
        public var phase: ElectionStatus.Phase?
        public var entries: Int?
        /// A run for a newer phase is under way.
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
        /// The forensics report (HTML) of a verified result with precinct-level counts.
        var forensics: String?
    }

    private var done: [String: Done] = [:]
    private var running: [String: Task<Void, Never>] = [:]
    private let service: BoardService
    private let workers: Int

    public init(service: BoardService, workers: Int = max(1, Parallel.cores / 2)) {
        self.service = service
        self.workers = workers
    }

    /// The latest report, starting a run when the election has reached a phase not yet verified.
    public func answer(_ id: String) async throws(BoardError) -> Answer {
        let status = try await service.status(id)
        if done[id]?.phase != status.phase, running[id] == nil { start(id) }
        let d = done[id]
        return Answer(
            phase: d?.phase, entries: d?.entries, running: running[id] != nil, report: d?.report, forensics: d?.forensics != nil,
            howToVerify: "plebiscite verify URL-OF-THIS-ELECTION, or download record.zip, unzip it and run plebiscite verify DIR")
    }

    /// Starts a run unless one is under way (after a phase change, say).
    public func refresh(_ id: String) {
        if running[id] == nil { start(id) }
    }

    /// The forensics report of the last verified result, if there is one.
    public func forensics(_ id: String) -> String? { done[id]?.forensics }

    /// Waits for the run under way, if any (tests, shutdown).
    public func settle(_ id: String) async { await running[id]?.value }

    private func start(_ id: String) {
        let service = service, workers = workers
        running[id] = Task.detached(priority: .utility) { [weak self] in
            // The phase first: a record exported after it holds at least that phase's entries.
            guard let status = try? await service.status(id), let (manifest, lines, heads) = try? await service.export(id) else {
                await self?.finish(id, nil)
                return
            }
            let files = RecordFiles(manifestBytes: manifest, lines: lines, treeHeads: heads)
            let report = RecordVerifier.verify(files.loaded, workers: workers)
            // Forensics only of a result the verifier accepted.
            var forensics: String?
            if report.ok, let summary = report.result, let manifest = try? RecordCoding.decode(Manifest.self, from: manifest) {
                forensics = (try? ResultsCSV.analysis(summary, manifest: manifest, source: "election \(id)", workers: workers))??.html
            }
            await self?.finish(id, Done(phase: status.phase, entries: lines.count, report: report, forensics: forensics))
        }
    }

    private func finish(_ id: String, _ result: Done?) {
        if let result { done[id] = result }
        running[id] = nil
    }
}
