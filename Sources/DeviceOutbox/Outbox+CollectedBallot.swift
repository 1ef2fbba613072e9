import ElectionRecord

extension Outbox {
    /// Why a stored ballot cannot be sent as collected (recorded with the code `corruptedBallot`).
    public struct CorruptedBallot: Error, Equatable, CustomStringConvertible {
        public var description: String
    }
}

extension Outbox.Item {
    /// The ballot as collected, checked against the hash it was stored under, so a damaged row is
    /// refused by the device with why instead of sent as something the voter did not cast.
    public func collectedBallot(contextHash: Digest) throws(Outbox.CorruptedBallot) -> EncryptedBallot {
        let decoded: EncryptedBallot
        do { decoded = try RecordCoding.decode(EncryptedBallot.self, from: ballot) } catch {
            throw Outbox.CorruptedBallot(description: "the stored ballot does not decode: \(error)")
        }
        guard decoded.hash(contextHash: contextHash) == ballotHash else {
            throw Outbox.CorruptedBallot(description: "the stored ballot does not hash to its tracking code")
        }
        return decoded
    }
}
