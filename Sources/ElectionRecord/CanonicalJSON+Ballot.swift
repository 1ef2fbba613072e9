import Foundation
import PlebisciteCrypto
import Ristretto

// The ballot and its log line in canonical JSON by hand: the board reads a ballot and writes its
// line for every cast, the client writes the ballot. Keys are listed in sorted order, as
// RecordCoding's encoder sorts them.

extension CanonicalJSON.Writer {
    mutating func write(_ c: Ciphertext) {
        raw(#"{"alpha":"#)
        hex(c.alpha)
        raw(#","beta":"#)
        hex(c.beta)
        raw("}")
    }

    mutating func write(_ p: RangeProof) {
        raw(#"{"challenges":"#)
        hexArray(p.challenges)
        raw(#","commitments":"#)
        hexArray(p.commitments)
        raw(#","responses":"#)
        hexArray(p.responses)
        raw("}")
    }
}

extension CanonicalJSON.Reader {
    mutating func ciphertext() throws(CanonicalJSON.NotCanonical) -> Ciphertext {
        try expect(#"{"alpha":"#)
        let alpha = try hex(Element.self)
        try expect(#","beta":"#)
        let beta = try hex(Element.self)
        try expect("}")
        return Ciphertext(alpha: alpha, beta: beta)
    }

    mutating func rangeProof() throws(CanonicalJSON.NotCanonical) -> RangeProof {
        try expect(#"{"challenges":"#)
        let challenges = try hexArray(Scalar.self)
        try expect(#","commitments":"#)
        let commitments = try hexArray(Element.self)
        try expect(#","responses":"#)
        let responses = try hexArray(Scalar.self)
        try expect("}")
        return RangeProof(commitments: commitments, challenges: challenges, responses: responses)
    }
}

extension EncryptedBallot: CanonicalJSONCodable {
    public func write(to json: inout CanonicalJSON.Writer) throws(CanonicalJSON.Unsupported) {
        json.raw(#"{"answers":"#)
        try json.array(answers) { (w: inout CanonicalJSON.Writer, a: EncryptedAnswer) throws(CanonicalJSON.Unsupported) in
            w.raw(#"{"countProof":"#)
            w.write(a.countProof)
            w.raw(#","question":"#)
            w.string(a.question)
            w.raw(#","selections":"#)
            try w.array(a.selections) { (w: inout CanonicalJSON.Writer, s: EncryptedSelection) in
                w.raw(#"{"ciphertext":"#)
                w.write(s.ciphertext)
                w.raw(#","proof":"#)
                w.write(s.proof)
                w.raw("}")
            }
            w.raw("}")
        }
        json.raw(#","channel":"#)
        json.string(channel.rawValue)
        json.raw(#","credential":"#)
        json.hex(credential)
        if let device {
            json.raw(#","device":"#)
            json.string(device)
        }
        if let deviceSignature {
            json.raw(#","deviceSignature":"#)
            json.hex(deviceSignature)
        }
        json.raw(#","electionId":"#)
        json.string(electionId)
        json.raw(#","precinct":"#)
        json.string(precinct)
        json.raw(#","signature":{"commitment":"#)
        json.hex(signature.commitment)
        json.raw(#","response":"#)
        json.hex(signature.response)
        json.raw("}}")
    }

    public init(reading json: inout CanonicalJSON.Reader) throws(CanonicalJSON.NotCanonical) {
        try json.expect(#"{"answers":"#)
        let answers = try json.array { (r: inout CanonicalJSON.Reader) throws(CanonicalJSON.NotCanonical) in
            try r.expect(#"{"countProof":"#)
            let countProof = try r.rangeProof()
            try r.expect(#","question":"#)
            let question = try r.string()
            try r.expect(#","selections":"#)
            let selections = try r.array { (r: inout CanonicalJSON.Reader) throws(CanonicalJSON.NotCanonical) in
                try r.expect(#"{"ciphertext":"#)
                let ciphertext = try r.ciphertext()
                try r.expect(#","proof":"#)
                let proof = try r.rangeProof()
                try r.expect("}")
                return EncryptedSelection(ciphertext: ciphertext, proof: proof)
            }
            try r.expect("}")
            return EncryptedAnswer(question: question, selections: selections, countProof: countProof)
        }
        try json.expect(#","channel":"#)
        guard let channel = Channel(rawValue: try json.string()) else { throw CanonicalJSON.NotCanonical() }
        try json.expect(#","credential":"#)
        let credential = try json.hex(Element.self)
        let device = json.take(#","device":"#) ? try json.string() : nil
        let deviceSignature = json.take(#","deviceSignature":"#) ? try json.hex(HexBytes.self) : nil
        try json.expect(#","electionId":"#)
        let electionId = try json.string()
        try json.expect(#","precinct":"#)
        let precinct = try json.string()
        try json.expect(#","signature":{"commitment":"#)
        let commitment = try json.hex(Element.self)
        try json.expect(#","response":"#)
        let response = try json.hex(Scalar.self)
        try json.expect("}}")
        self.init(
            electionId: electionId, precinct: precinct, channel: channel, credential: credential, device: device,
            answers: answers, signature: SchnorrSignature(commitment: commitment, response: response),
            deviceSignature: deviceSignature?.bytes)
    }
}

/// A log line `{"at":T,"data":D,"kind":K,"prev":H,"seq":N}`. By hand for ballot entries only;
/// other kinds are left to Foundation's coders.
extension LogEntry: CanonicalJSONCodable {
    public func write(to json: inout CanonicalJSON.Writer) throws(CanonicalJSON.Unsupported) {
        guard case .ballot(let ballot) = payload else { throw CanonicalJSON.Unsupported() }
        json.raw(#"{"at":"#)
        try json.date(at)
        json.raw(#","data":"#)
        try ballot.write(to: &json)
        json.raw(#","kind":"ballot","prev":"#)
        json.hex(prev)
        json.raw(#","seq":"#)
        json.int(seq)
        json.raw("}")
    }

    public init(reading json: inout CanonicalJSON.Reader) throws(CanonicalJSON.NotCanonical) {
        try json.expect(#"{"at":"#)
        let at = try json.date()
        try json.expect(#","data":"#)
        let ballot = try EncryptedBallot(reading: &json)
        try json.expect(#","kind":"ballot","prev":"#)
        let prev = try json.hex(Digest.self)
        try json.expect(#","seq":"#)
        let seq = try json.int()
        try json.expect("}")
        self.init(seq: seq, prev: prev, at: at, payload: .ballot(ballot))
    }
}

/// The header of any log line, its payload skipped (and checked to be JSON) but not decoded.
extension LogEntryHeader: CanonicalJSONReadable {
    public init(reading json: inout CanonicalJSON.Reader) throws(CanonicalJSON.NotCanonical) {
        try json.expect(#"{"at":"#)
        at = try json.date()
        try json.expect(#","data":"#)
        try json.skipValue()
        try json.expect(#","kind":"#)
        _ = try json.string()
        try json.expect(#","prev":"#)
        prev = try json.hex(Digest.self)
        try json.expect(#","seq":"#)
        seq = try json.int()
        try json.expect("}")
    }
}
