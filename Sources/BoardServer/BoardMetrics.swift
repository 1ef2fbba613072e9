import Foundation
import Hummingbird

/// Counters for the Prometheus endpoint: requests by route and status, ballots accepted and
/// rejected by reason, and a request-latency histogram. Secrets never enter metrics.
public final class BoardMetrics: @unchecked Sendable {
    private let lock = NSLock()
    private var requests: [String: Int] = [:]
    private var ballotsAccepted = 0
    private var ballotsRejected: [String: Int] = [:]
    static let buckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]
    private var latencyCounts = [Int](repeating: 0, count: buckets.count)
    private var latencySum = 0.0
    private var latencyTotal = 0

    public init() {}

    func request(route: String, status: Int, seconds: Double) {
        lock.lock()
        defer { lock.unlock() }
        requests["route=\"\(route)\",status=\"\(status)\"", default: 0] += 1
        for (i, b) in Self.buckets.enumerated() where seconds <= b { latencyCounts[i] += 1 }
        latencySum += seconds
        latencyTotal += 1
    }

    func ballot(accepted: Bool, reason: String?) {
        lock.lock()
        defer { lock.unlock() }
        if accepted { ballotsAccepted += 1 } else { ballotsRejected[reason ?? "unknown", default: 0] += 1 }
    }

    /// The Prometheus text exposition (version 0.0.4).
    public func exposition() -> String {
        lock.lock()
        defer { lock.unlock() }
        var s = "# HELP plebiscite_requests_total HTTP requests by route and status.\n# TYPE plebiscite_requests_total counter\n"
        for (labels, n) in requests.sorted(by: { $0.key < $1.key }) { s += "plebiscite_requests_total{\(labels)} \(n)\n" }
        s += "# HELP plebiscite_ballots_accepted_total Ballots appended to the board.\n# TYPE plebiscite_ballots_accepted_total counter\n"
        s += "plebiscite_ballots_accepted_total \(ballotsAccepted)\n"
        s +=
            "# HELP plebiscite_ballots_rejected_total Ballots refused, by rejection code.\n# TYPE plebiscite_ballots_rejected_total counter\n"
        for (reason, n) in ballotsRejected.sorted(by: { $0.key < $1.key }) {
            s += "plebiscite_ballots_rejected_total{reason=\"\(reason)\"} \(n)\n"
        }
        s += "# HELP plebiscite_request_duration_seconds Request latency.\n# TYPE plebiscite_request_duration_seconds histogram\n"
        for (i, b) in Self.buckets.enumerated() { s += "plebiscite_request_duration_seconds_bucket{le=\"\(b)\"} \(latencyCounts[i])\n" }
        s += "plebiscite_request_duration_seconds_bucket{le=\"+Inf\"} \(latencyTotal)\n"
        s += "plebiscite_request_duration_seconds_sum \(latencySum)\nplebiscite_request_duration_seconds_count \(latencyTotal)\n"
        return s
    }
}

/// Times every request and counts it by route pattern and final status (errors included).
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: BoardMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let route = context.endpointPath ?? "unmatched"
        func seconds() -> Double {
            let d = ContinuousClock.now - start
            return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }
        do {
            let response = try await next(request, context)
            metrics.request(route: context.endpointPath ?? route, status: Int(response.status.code), seconds: seconds())
            return response
        } catch let error as HTTPResponseError {
            metrics.request(route: context.endpointPath ?? route, status: Int(error.status.code), seconds: seconds())
            throw error
        } catch {
            metrics.request(route: context.endpointPath ?? route, status: 500, seconds: seconds())
            throw error
        }
    }
}
