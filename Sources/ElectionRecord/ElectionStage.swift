/// How far an election's record has come, as observers name it: setup (key ceremony), voting
/// (from the ceremony's result; the window may not be open yet), closed, tallied (the encrypted
/// tally is published, decryption shares are coming), decrypted.
public enum ElectionStage: String, Codable, Sendable, CaseIterable {
    case setup, voting, closed, tallied, decrypted
}
