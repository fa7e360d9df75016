import Foundation
import GRDB
import SealedVFS
import Testing
@testable import StageSubStore

/// A child process writes to a sealed database and is killed with SIGKILL at random moments. After each
/// kill the database must open, pass `integrity_check`, and hold exactly a prefix of the transactions the
/// child reported as committed (the one in flight may or may not have made it).
@Suite("Crashes", .serialized)
struct CrashTests {
    enum KillPoint {
        /// This long after the first commit the child reports.
        case afterFirstCommit(milliseconds: Int)
        /// The moment the child announces its n-th explicit checkpoint (then it is inside the checkpoint).
        case duringCheckpoint(Int)
        /// The moment the child has spilled a large transaction into the database file (rollback journal).
        case duringSpill
        /// This long after the child starts a rekey.
        case afterStart(microseconds: Int)
    }

    struct Outcome {
        var lines: [String]
        var killed: Bool
        var lastCommitted: Int { lines.compactMap(Int.init).max() ?? 0 }
    }

    /// A rollback journal SQLite must play back on the next open (its header carries the magic number).
    static func hasHotJournal(_ path: String) -> Bool {
        guard let magic = try? readBytes(at: 0, count: 8, fromFileAt: path + SEALEDVFS_JOURNAL_SUFFIX) else { return false }
        return magic == Data([0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7])
    }

    /// Starts the crash writer, feeds it `keys` on stdin, kills it at `point` (or lets it finish), and
    /// returns what it reported.
    static func runWriter(_ mode: String, path: String, extra: [String] = [], keys: [DatabaseKey], mmap: Bool = false,
                          kill point: KillPoint?, in dir: TemporaryDirectory) throws -> Outcome {
        let outPath = dir.path("writer-\(UUID().uuidString).out")
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        let process = Process()
        process.executableURL = builtExecutable("SealedCrashWriter")
        process.arguments = [mode, path] + extra
        var environment = ProcessInfo.processInfo.environment
        environment["CRASH_WRITER_MMAP"] = mmap ? "1" : "0"
        process.environment = environment
        let input = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(keys.map { $0.unsafeHexDigits() + "\n" }.joined().utf8))
        try input.fileHandleForWriting.close()

        func lines() -> [String] {
            let text = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
            // Only complete lines count: a line is reported once its newline is written.
            return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        }
        func waitFor(_ condition: ([String]) -> Bool) {
            let deadline = Date().addingTimeInterval(30)
            while process.isRunning && !condition(lines()) && Date() < deadline { usleep(300) }
        }

        if let point {
            switch point {
            case .afterFirstCommit(let ms):
                waitFor { !$0.isEmpty }
                usleep(useconds_t(ms * 1000))
            case .duringCheckpoint(let n):
                waitFor { $0.filter { $0 == "checkpoint" }.count >= n }
            case .duringSpill:
                waitFor { $0.contains("spilled") }
            case .afterStart(let us):
                waitFor { $0.contains("start") }
                usleep(useconds_t(us))
            }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let killed = process.terminationReason == .uncaughtSignal
        // A child that finished before the kill landed must have finished cleanly.
        if !killed { #expect(process.terminationStatus == 0, "the writer failed: \(stderr)") }
        return Outcome(lines: lines(), killed: killed)
    }

    static func createLog(at path: String, key: DatabaseKey, journal: Bool) throws {
        let schema = "CREATE TABLE log(seq INTEGER PRIMARY KEY, payload BLOB NOT NULL)"
        if journal {
            let queue = try SealedDatabase.createQueue(at: path, key: key)
            try queue.write { db in try db.execute(sql: schema) }
            try queue.close()
        } else {
            let pool = try SealedDatabase.create(at: path, key: key)
            try pool.write { db in try db.execute(sql: schema) }
            try SealedDatabase.close(pool)
        }
    }

    /// Opens the database as the next process would, and checks it holds a prefix of the commits.
    /// `committed` is the highest commit any earlier round reported; returns the highest row now present.
    @discardableResult
    static func expectPrefix(_ path: String, _ key: DatabaseKey, journal: Bool, after outcome: Outcome,
                             committed earlier: Int, round: Int) throws -> Int {
        let committed = max(earlier, outcome.lastCommitted)
        let check = { (db: Database) throws -> (integrity: [String], count: Int, min: Int, max: Int) in
            let row = try Row.fetchOne(db, sql: "SELECT count(*), coalesce(min(seq), 1), coalesce(max(seq), 0) FROM log")!
            return (try String.fetchAll(db, sql: "PRAGMA integrity_check"), row[0], row[1], row[2])
        }
        let result: (integrity: [String], count: Int, min: Int, max: Int)
        if journal {
            let queue = try SealedDatabase.openQueue(at: path, key: key)
            result = try queue.read(check)
            try queue.close()
        } else {
            // A plain close keeps whatever log recovery left, so the next round recovers again.
            let pool = try SealedDatabase.open(at: path, key: key)
            result = try pool.read(check)
            try pool.close()
        }
        #expect(result.integrity == ["ok"], "round \(round)")
        #expect(result.min == 1 && result.count == result.max, "round \(round): rows are not a prefix")
        #expect(result.max >= committed, "round \(round): a reported commit is missing")
        #expect(result.max <= committed + 1, "round \(round): more than the one transaction in flight")
        return result.max
    }

    @Test("WAL: 24 kills at random moments and inside checkpoints, with and without mmap asked for")
    func walKills() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("orchestra.db")
        let key = DatabaseKey.random()
        try Self.createLog(at: path, key: key, journal: false)
        var rng = SystemRandomNumberGenerator()
        var kills = 0
        var committed = 0
        var killedInCheckpoint = 0
        for round in 0..<24 {
            let point: KillPoint = round % 3 == 2
                ? .duringCheckpoint(1 + round % 2)
                : .afterFirstCommit(milliseconds: Int.random(in: 0...120, using: &rng))
            let outcome = try Self.runWriter("wal", path: path, keys: [key], mmap: round % 2 == 1, kill: point, in: dir)
            if outcome.killed { kills += 1 }
            if outcome.killed && outcome.lines.last == "checkpoint" { killedInCheckpoint += 1 }
            committed = try Self.expectPrefix(path, key, journal: false, after: outcome, committed: committed, round: round)
        }
        #expect(kills >= 20)
        #expect(killedInCheckpoint >= 1, "no kill landed before a checkpoint finished")
    }

    @Test("rollback journal: 12 kills at random moments and inside transactions spilled to the file")
    func journalKills() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("orchestra.db")
        let key = DatabaseKey.random()
        try Self.createLog(at: path, key: key, journal: true)
        var rng = SystemRandomNumberGenerator()
        var kills = 0
        var committed = 0
        var hotJournals = 0
        for round in 0..<12 {
            let spill = round % 3 == 0
            let point = spill ? KillPoint.duringSpill : .afterFirstCommit(milliseconds: Int.random(in: 0...80, using: &rng))
            let outcome = try Self.runWriter("journal", path: path, keys: [key], mmap: round % 2 == 1, kill: point, in: dir)
            if outcome.killed { kills += 1 }
            let hot = Self.hasHotJournal(path)
            if hot { hotJournals += 1 }
            if spill { #expect(hot, "round \(round): the kill inside a spilled transaction left no hot journal") }
            committed = try Self.expectPrefix(path, key, journal: true, after: outcome, committed: committed, round: round)
            #expect(!Self.hasHotJournal(path), "round \(round): the journal was not played back")
        }
        #expect(kills >= 10)
        #expect(hotJournals >= 4)
    }
}
