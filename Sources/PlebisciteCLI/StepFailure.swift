/// A refusal or runtime failure of a step (a record that cannot be read, an entry the rules
/// refuse, a wrong passphrase): printed as one line, exit status 1, without the usage text.
/// `ValidationError` (exit 64, with usage) is for command-line mistakes only.
struct StepFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}
