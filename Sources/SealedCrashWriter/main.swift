// A child process for the crash tests. It writes to a sealed database until it is killed, and reports on
// stdout (flushed line by line) what has been committed, so the test can check that after a SIGKILL the
// database holds exactly a prefix of the committed transactions.
//
//   SealedCrashWriter wal PATH        key (64 hex digits) on stdin; WAL pool, frequent checkpoints
//   SealedCrashWriter journal PATH    key on stdin; rollback journal (journal_mode=DELETE); every tenth
//                                     transaction spills to the database file, prints "spilled", pauses
//   SealedCrashWriter rekey PATH      old key, then new key on stdin; re-encrypts once and prints "done"
//   SealedCrashWriter restore DATA FILE  restores FILE into the appliance at DATA; prints "start", "done"
//   SealedCrashWriter rekey-orchestra DATA SLUG  re-encrypts one orchestra of the appliance at DATA
//   CRASH_WRITER_MMAP=1               set PRAGMA mmap_size=1000000000 on the writing connection
//
// The database must exist and hold `CREATE TABLE log(seq INTEGER PRIMARY KEY, payload BLOB NOT NULL)`.
import Foundation
import GRDB
import StageSubStore

/// Writes a line straight to the pipe (unbuffered), so the test sees every commit the moment it happens.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("SealedCrashWriter: \(message)\n".utf8))
    exit(1)
}

let arguments = CommandLine.arguments
guard arguments.count >= 3 else { fail("usage: SealedCrashWriter wal|journal|rekey PATH | restore DATA FILE") }
let mode = arguments[1]
let path = arguments[2]
/// CRASH_WRITER_MMAP=1 asks SQLite for memory mapping, which the sealed VFS must refuse without harm.
let mmap = ProcessInfo.processInfo.environment["CRASH_WRITER_MMAP"] == "1"

func readKey() -> DatabaseKey {
    guard let line = readLine() else { fail("expected a key on stdin") }
    do { return try DatabaseKey(hex: line) } catch { fail("\(error)") }
}

/// One transaction: rows of a few KiB each, so transactions span many pages and checkpoints take time.
func commit(_ seq: Int, _ db: Database) throws {
    try db.execute(sql: "INSERT INTO log(seq, payload) VALUES (?, randomblob(?))", arguments: [seq, 1500 + (seq % 7) * 700])
    try db.execute(sql: "UPDATE log SET payload = randomblob(length(payload)) WHERE seq = ?", arguments: [max(1, seq / 2)])
}

do {
    switch mode {
    case "wal":
        let key = readKey()
        let pool = try SealedDatabase.open(at: path, key: key)
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 40")
            if mmap { try db.execute(sql: "PRAGMA mmap_size = 1000000000") }
        }
        var seq = try pool.read { db in try Int.fetchOne(db, sql: "SELECT coalesce(max(seq), 0) FROM log") } ?? 0
        while true {
            seq += 1
            try pool.write { db in try commit(seq, db) }
            say("\(seq)")
            if seq % 12 == 0 {
                say("checkpoint")
                try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
                say("checkpointed")
            }
        }
    case "journal":
        let key = readKey()
        let queue = try SealedDatabase.openQueue(at: path, key: key)
        if mmap { try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA mmap_size = 1000000000") } }
        var seq = try queue.read { db in try Int.fetchOne(db, sql: "SELECT coalesce(max(seq), 0) FROM log") } ?? 0
        while true {
            seq += 1
            if seq % 10 == 0 {
                // A transaction larger than the page cache: SQLite syncs the journal and spills changed pages
                // into the database file before the commit, so a kill now leaves a hot journal to roll back.
                try queue.write { db in
                    try db.execute(sql: "PRAGMA cache_size = 5")
                    try commit(seq, db)
                    try db.execute(sql: "UPDATE log SET payload = randomblob(length(payload)) WHERE seq % 2 = 0")
                    say("spilled")
                    usleep(200_000)
                    try db.execute(sql: "PRAGMA cache_size = -16384")
                }
            } else {
                try queue.write { db in try commit(seq, db) }
            }
            say("\(seq)")
        }
    case "rekey":
        let oldKey = readKey()
        let newKey = readKey()
        say("start")
        try SealedDatabase.rekey(at: path, from: oldKey, to: newKey)
        say("done")
    case "restore":
        guard arguments.count == 4 else { fail("usage: SealedCrashWriter restore DATA FILE") }
        let appliance = try Appliance.open(DataDirectory(root: path))
        say("start")
        _ = try appliance.restore(URL(fileURLWithPath: arguments[3]))
        say("done")
    case "rekey-orchestra":
        guard arguments.count == 4 else { fail("usage: SealedCrashWriter rekey-orchestra DATA SLUG") }
        let appliance = try Appliance.open(DataDirectory(root: path))
        say("start")
        try appliance.rekeyOrchestra(arguments[3])
        say("done")
    default:
        fail("unknown mode \(mode)")
    }
} catch {
    fail("\(error)")
}
