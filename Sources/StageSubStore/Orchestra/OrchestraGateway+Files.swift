import Foundation
import GRDB

/// When a stored file goes out.
public enum FileSendWith: String, Codable, Sendable, CaseIterable {
    /// With every request for the need (or for any need of the project).
    case request
    /// With the confirmation a musician gets on accepting.
    case confirmation
}

/// What a file belongs to: a whole project, or one need of it.
public enum FileOwner: Sendable, Equatable {
    case project(Int64)
    case need(Int64)
}

/// A file kept in the orchestra's database (so a backup holds it), without its bytes.
public struct StoredFile: Codable, Sendable, Equatable, FetchableRecord {
    public var id: Int64
    public var projectId: Int64
    /// Set when the file belongs to one need rather than the whole project.
    public var needId: Int64?
    public var fileName: String
    public var mimeType: String
    public var sizeBytes: Int
    public var sendWith: FileSendWith
    public var createdAt: Date

    /// The columns to select for a `StoredFile` (never the bytes).
    static let columns = "id, projectId, needId, fileName, mimeType, sizeBytes, sendWith, createdAt"
}

/// A stored file with its bytes, for download.
public struct StoredFileContents: Sendable, Equatable {
    public var file: StoredFile
    public var data: Data
}

extension OrchestraGateway {
    /// The largest file an orchestra may store (the schema refuses larger ones too).
    public static let maxFileBytes = 10 * 1024 * 1024

    /// Stores a file for a project or one of its needs, to go out with its requests or its confirmations.
    /// The name is kept as given (without any folder part); empty or oversized files are refused.
    public func attachFile(_ data: Data, name: String, mimeType: String, to owner: FileOwner, sendWith: FileSendWith,
                           now: Date) throws(StoreError) -> StoredFile {
        let fileName = Self.plainFileName(name)
        guard !fileName.isEmpty else { throw StoreError(.invalidInput, .fileNameMissing) }
        guard fileName.count <= 200 else { throw StoreError(.invalidInput, .fileNameTooLong) }
        let mimeType = mimeType.trimmingCharacters(in: .whitespaces).lowercased()
        let essence = mimeType.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard essence.split(separator: "/").count == 2, !essence.contains(where: \.isWhitespace) else {
            throw StoreError(.invalidInput, .fileType(mimeType))
        }
        guard !data.isEmpty else { throw StoreError(.invalidInput, .fileEmpty(fileName)) }
        guard data.count <= Self.maxFileBytes else {
            let mebibytes = (Double(data.count) / 1_048_576 * 10).rounded() / 10
            throw StoreError(.invalidInput, .fileTooLarge(fileName, mebibytes: mebibytes))
        }
        return try write { db in
            let projectId: Int64, needId: Int64?
            switch owner {
            case .project(let id):
                guard try Project.exists(db, id: id) else { throw StoreError(.notFound, "no project \(id)") }
                (projectId, needId) = (id, nil)
            case .need(let id):
                guard let need = try ProjectNeed.fetchOne(db, key: id) else { throw StoreError(.notFound, "no need \(id)") }
                (projectId, needId) = (need.projectId, id)
            }
            try db.execute(sql: """
                INSERT INTO fileStorage(projectId, needId, fileName, mimeType, sizeBytes, data, sendWith, createdAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [projectId, needId, fileName, mimeType, data.count, data, sendWith.rawValue, now])
            return StoredFile(id: db.lastInsertedRowID, projectId: projectId, needId: needId, fileName: fileName, mimeType: mimeType,
                              sizeBytes: data.count, sendWith: sendWith, createdAt: now)
        }
    }

    /// A project's files, its own and its needs', oldest first (without their bytes).
    public func files(project id: Int64) throws(StoreError) -> [StoredFile] {
        try read { db in
            guard try Project.exists(db, id: id) else { throw StoreError(.notFound, "no project \(id)") }
            return try StoredFile.fetchAll(db, sql: "SELECT \(StoredFile.columns) FROM fileStorage WHERE projectId = ? ORDER BY id", arguments: [id])
        }
    }

    /// One file with its bytes.
    public func file(_ id: Int64) throws(StoreError) -> StoredFileContents {
        let found = try read { db -> StoredFileContents? in
            guard let row = try Row.fetchOne(db, sql: "SELECT \(StoredFile.columns), data FROM fileStorage WHERE id = ?", arguments: [id]) else {
                return nil
            }
            return StoredFileContents(file: try StoredFile(row: row), data: row["data"])
        }
        guard let found else { throw StoreError(.notFound, "no file \(id)") }
        return found
    }

    /// Deletes a file. Messages already in the outbox keep its name but go without it.
    public func deleteFile(_ id: Int64) throws(StoreError) {
        try write { db in
            try db.execute(sql: "DELETE FROM fileStorage WHERE id = ?", arguments: [id])
            guard db.changesCount == 1 else { throw StoreError(.notFound, "no file \(id)") }
        }
    }

    /// The last path component of a name as a browser may send it (`C:\…\noter.pdf`, `../noter.pdf`).
    static func plainFileName(_ name: String) -> String {
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        return last.trimmingCharacters(in: .whitespacesAndNewlines).filter { !$0.isNewline && $0 != "\0" }
    }
}
