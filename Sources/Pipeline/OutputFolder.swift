import ByteIO
import Foundation
import Glibc

/// An output folder under its final name only once it is whole: filled under a temporary name beside it and renamed
/// into place on `commit()`, replacing an earlier one; released without a commit, the temporary folder is removed.
final class OutputFolder {
    let path: String
    let temporaryPath: String
    private var committed = false

    init(path: String) throws {
        self.path = path
        var template = Array("\(OutputFile.directory(of: path))/.\(OutputFile.basename(of: path)).XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else {
            throw IOError("create a temporary folder for", path: path, errno: errno, writing: true)
        }
        temporaryPath = String(cString: created)
        chmod(temporaryPath, 0o755)
    }

    deinit {
        if !committed { try? FileManager.default.removeItem(atPath: temporaryPath) }
    }

    /// Renames the folder into place. An earlier folder of that name is moved aside first and removed after, so the
    /// name holds one whole folder or the other at every moment but the instant between two renames.
    func commit() throws {
        var aside: String?
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
            let old = temporaryPath + ".old"
            try retryingSyscall("move the earlier folder aside", path: path, writing: true) { rename(path, old) }
            aside = old
        }
        try retryingSyscall("rename into place", path: path, writing: true) { rename(temporaryPath, path) }
        committed = true
        if let aside { try? FileManager.default.removeItem(atPath: aside) }
    }
}
