import ElectionRecord
import Foundation

extension FileHandle {
    /// Opens a record file for writing, close-on-exec, created empty if `create` and missing.
    ///
    /// Close-on-exec because a child process started meanwhile (by this process or a thread of
    /// it) must not inherit the descriptor: the log's lock (flock, held by the open file
    /// description) would outlive its writer for as long as that child lives.
    static func forWritingRecord(_ url: URL, create: Bool) throws -> FileHandle {
        let fd = open(url.path, O_WRONLY | O_CLOEXEC | (create ? O_CREAT : 0), 0o644)
        guard fd >= 0 else { throw RecordError.io("cannot open \(url.path) for writing") }
        return FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }
}
