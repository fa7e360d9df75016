// StorageBenchmark: the same SQLite workload on a plain database (SQLite's stock "unix" VFS, no reserved
// bytes: the baseline) and on a sealed one (the "sealed" VFS of Sources/SealedVFS), run alternately in fresh
// temporary files, with the median time of each phase and the ratio sealed / plain.
//
//     StorageBenchmark [--rows N] [--cache-kib N] [--rounds N] [--autocheckpoint N]
//
// --rows            rows inserted (default 200000); the other phases scale with it
// --cache-kib       SQLite's page cache per connection in KiB (default 16384, what the appliance uses)
// --rounds          runs of each kind (default 3); the figures are medians over the rounds
// --autocheckpoint  PRAGMA wal_autocheckpoint in pages (default 1000, SQLite's and the appliance's)
//
// Method and figures: docs/benchmarks.md.

import Foundation
import GRDBSQLite
import SealedVFS

// MARK: - Failing loudly

/// Prints `message` to standard error and exits with status 1: a benchmark that carried on after an error
/// would report figures for work it did not do.
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("StorageBenchmark: \(message)\n".utf8))
    exit(1)
}

/// Progress goes to standard error, so standard output holds only the report.
func progress(_ message: String) {
    FileHandle.standardError.write(Data("\(message)\n".utf8))
}

// MARK: - Options

struct Options {
    var rows = 200_000
    var cacheKiB = 16_384
    var rounds = 3
    var autocheckpoint = 1_000
    /// The sealed VFS's read cache per connection (KiB, 0: off); nil keeps the VFS's default.
    var readCacheKiB: Int?
    /// "openssl" or "libsodium"; nil keeps the VFS's choice.
    var aead: String?
    static let usage = "usage: StorageBenchmark [--rows N] [--cache-kib N] [--rounds N] [--autocheckpoint N] [--read-cache-kib N] [--aead openssl|libsodium]"

    /// Parses the options above by hand (the target has no argument parser).
    static func parse(_ arguments: [String]) -> Options {
        var options = Options()
        var rest = arguments.dropFirst()
        while let flag = rest.popFirst() {
            if flag == "--aead" {
                guard let name = rest.popFirst() else { fail("--aead needs a name\n\(usage)") }
                options.aead = name
                continue
            }
            if flag == "--read-cache-kib" {
                guard let text = rest.popFirst(), let value = Int(text), value >= 0 else { fail("--read-cache-kib needs a whole number\n\(usage)") }
                options.readCacheKiB = value
                continue
            }
            guard let text = rest.popFirst(), let value = Int(text), value > 0 else {
                fail("\(flag) needs a positive whole number\n\(usage)")
            }
            switch flag {
            case "--rows": options.rows = value
            case "--cache-kib": options.cacheKiB = value
            case "--rounds": options.rounds = value
            case "--autocheckpoint": options.autocheckpoint = value
            default: fail("unknown option \(flag)\n\(usage)")
            }
        }
        if options.rows < 1_000 { fail("--rows must be at least 1000") }
        return options
    }
}

// MARK: - A thin layer over the sqlite3 C API, checking every return code

/// One SQLite connection. Every call that can fail is checked; a failure ends the process.
final class Connection {
    let handle: OpaquePointer
    let path: String

    /// Opens `path` through `vfs` ("unix" or "sealed"). A sealed connection gets its 40 reserved bytes per
    /// page before anything is written; both get the same pragmas, so the VFS is the only difference.
    init(path: String, vfs: String, options: Options) {
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(db)
            fail("cannot open \(path) with VFS \(vfs): \(message) (code \(rc))")
        }
        handle = db
        self.path = path
        if sqlite3_extended_result_codes(db, 1) != SQLITE_OK { fail("cannot switch on extended result codes") }
        if vfs == SEALEDVFS_NAME {
            // Must come before journal_mode=WAL, which writes page 1.
            guard sealedvfs_prepare_connection(UnsafeMutableRawPointer(db)) == Int32(SEALEDVFS_OK.rawValue) else {
                fail("sealedvfs_prepare_connection failed on \(path)")
            }
        }
        // The appliance's settings (SealedDatabase.configuration and GRDB's DatabasePool): WAL, NORMAL sync,
        // temp storage in memory, no memory mapping (the sealed VFS refuses it anyway), the same cache.
        if queryText("PRAGMA journal_mode = WAL") != "wal" { fail("\(path): cannot switch to WAL") }
        exec("PRAGMA synchronous = NORMAL")
        exec("PRAGMA temp_store = MEMORY")
        exec("PRAGMA mmap_size = 0")
        exec("PRAGMA cache_size = -\(options.cacheKiB)")
        exec("PRAGMA wal_autocheckpoint = \(options.autocheckpoint)")
    }

    /// Runs SQL that returns no rows worth reading (a pragma's echo is stepped through and dropped).
    func exec(_ sql: String) {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &message)
        if rc != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(message)
            fail("\(sql): \(text) (code \(rc))")
        }
    }

    /// The first column of the first row of `sql` as an integer, or nil when it is not an integer.
    func queryInt(_ sql: String) -> Int? {
        let statement = prepare(sql)
        defer { statement.finalize() }
        guard statement.step() else { fail("\(sql): no row") }
        return sqlite3_column_type(statement.handle, 0) == SQLITE_INTEGER ? statement.int(0) : nil
    }

    /// The first column of the first row of `sql` as text.
    func queryText(_ sql: String) -> String {
        let statement = prepare(sql)
        defer { statement.finalize() }
        guard statement.step(), let text = sqlite3_column_text(statement.handle, 0) else { fail("\(sql): no text") }
        return String(cString: text)
    }

    func prepare(_ sql: String) -> Statement {
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard rc == SQLITE_OK, let statement else { fail("cannot prepare \(sql): \(errorMessage) (code \(rc))") }
        return Statement(handle: statement, connection: self, sql: sql)
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    var changes: Int { Int(sqlite3_changes(handle)) }

    var errorMessage: String { String(cString: sqlite3_errmsg(handle)) }

    /// Pages this connection read from the file (cache misses) or wrote, since the last call; resets both.
    func takePageCounters() -> (read: Int, written: Int) {
        (dbStatus(SQLITE_DBSTATUS_CACHE_MISS), dbStatus(SQLITE_DBSTATUS_CACHE_WRITE))
    }

    private func dbStatus(_ op: Int32) -> Int {
        var current: Int32 = 0
        var highwater: Int32 = 0
        let rc = sqlite3_db_status(handle, op, &current, &highwater, 1)
        guard rc == SQLITE_OK else { fail("sqlite3_db_status(\(op)) failed (code \(rc))") }
        return Int(current)
    }

    /// Closes the connection; every statement must have been finalized.
    func close() {
        let rc = sqlite3_close(handle)
        guard rc == SQLITE_OK else { fail("cannot close \(path) (code \(rc))") }
    }
}

/// One prepared statement, reused across many executions as the appliance's GRDB statement cache does.
final class Statement {
    let handle: OpaquePointer
    unowned let connection: Connection
    let sql: String

    init(handle: OpaquePointer, connection: Connection, sql: String) {
        self.handle = handle
        self.connection = connection
        self.sql = sql
    }

    func bind(_ index: Int32, _ value: Int) {
        check(sqlite3_bind_int64(handle, index, Int64(value)), "bind")
    }

    func bind(_ index: Int32, _ value: String) {
        // SQLITE_TRANSIENT (a C macro Swift does not import): SQLite copies the bytes of the temporary
        // C string Swift passes in.
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        check(sqlite3_bind_text(handle, index, value, -1, transient), "bind")
    }

    /// Steps once: true for a row, false when done.
    func step() -> Bool {
        let rc = sqlite3_step(handle)
        if rc == SQLITE_ROW { return true }
        check(rc, "step", ok: SQLITE_DONE)
        return false
    }

    /// Runs a statement that returns no row, then resets it for the next use.
    func run() {
        if step() { fail("\(sql): unexpected row") }
        reset()
    }

    func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(handle, column)) }

    func reset() {
        check(sqlite3_reset(handle), "reset")
        check(sqlite3_clear_bindings(handle), "clear bindings")
    }

    func finalize() {
        check(sqlite3_finalize(handle), "finalize")
    }

    private func check(_ rc: Int32, _ what: String, ok: Int32 = SQLITE_OK) {
        if rc != ok { fail("\(what) \(sql): \(connection.errorMessage) (code \(rc))") }
    }
}

// MARK: - The workload, generated once so that both kinds of database do exactly the same work

/// SplitMix64: a small seeded generator, so every run sees the same data and the same random choices.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

struct Musician {
    let name: String
    let instrument: String
    let rank: Int
    let email: String
    let notes: String
}

struct Workload {
    static let instruments = ["violin", "viola", "cello", "double bass", "flute", "oboe", "clarinet",
                              "bassoon", "horn", "trumpet", "trombone", "percussion"]
    static let words = ["available", "weekends", "prefers", "baroque", "contemporary", "tours", "sight-reads",
                        "well", "principal", "section", "substitute", "since", "lives", "near", "the", "hall",
                        "owns", "a", "period", "instrument", "teaches", "at", "conservatory", "not", "on",
                        "Mondays", "recorded", "with", "chamber", "ensemble", "ask", "early", "reliable",
                        "travels", "by", "train", "speaks", "German", "French", "and", "opera", "experience"]
    static let transactionRows = 10_000
    static let updatesPerTransaction = 1_000
    static let scanWidth = 10  // ranks per range scan: about 170 rows at 200k rows

    /// Row i (0-based) gets id i + 1.
    let musicians: [Musician]
    /// Row indices looked up by email.
    let lookups: [Int]
    /// (instrument, lowest rank, highest rank).
    let scans: [(String, Int, Int)]
    /// (id, new rank, new notes).
    let updates: [(Int, Int, String)]
    /// Inclusive id ranges deleted, one transaction each: 20 ranges of 1 % of the rows, spread out.
    let deletions: [ClosedRange<Int>]

    init(rows: Int) {
        var random = SeededGenerator(state: 0x5EA1_ED5B)
        musicians = (1...rows).map { id in Workload.makeMusician(id: id, using: &random) }
        lookups = (0..<rows / 2).map { _ in Int.random(in: 0..<rows, using: &random) }
        scans = (0..<max(rows / 100, 1)).map { _ in
            let low = Int.random(in: 1...(1_000 - Workload.scanWidth + 1), using: &random)
            return (Workload.instruments.randomElement(using: &random)!, low, low + Workload.scanWidth - 1)
        }
        let notes = musicians.map(\.notes)
        updates = (0..<rows / 4).map { _ in
            (Int.random(in: 1...rows, using: &random), Int.random(in: 1...1_000, using: &random),
             notes.randomElement(using: &random)!)
        }
        let block = rows / 20
        deletions = (0..<20).map { i in (i * block + 1)...(i * block + rows / 100) }
    }

    /// Emails are unique (they end with the id) but sort in random order, as real addresses do, so the
    /// unique index is written all over during the insert, not only at its right edge.
    static func makeMusician(id: Int, using random: inout SeededGenerator) -> Musician {
        let scramble = String(random.next() % 2_176_782_336, radix: 36)  // 6 base-36 digits
        var notes = ""
        let length = Int.random(in: 60...240, using: &random)
        while notes.utf8.count < length {
            notes += (notes.isEmpty ? "" : " ") + words.randomElement(using: &random)!
        }
        return Musician(name: "Musician \(id)", instrument: instruments.randomElement(using: &random)!,
                        rank: Int.random(in: 1...1_000, using: &random),
                        email: "\(scramble).\(id)@players.example", notes: notes)
    }

    var rowsLeftAfterDeletes: Int { musicians.count - deletions.reduce(0) { $0 + $1.count } }
}

// MARK: - Measuring

enum Phase: Int, CaseIterable {
    case insert, pointReads, rangeScans, updates, deletes, checkpoint, coldScan

    var title: String {
        switch self {
        case .insert: "1 bulk insert"
        case .pointReads: "2 point reads"
        case .rangeScans: "3 range scans"
        case .updates: "4 updates"
        case .deletes: "5 deletes"
        case .checkpoint: "6a checkpoint"
        case .coldScan: "6b reopen + full scan"
        }
    }
}

/// What one phase cost: wall time, CPU time, and the page I/O that explains them.
struct PhaseResult {
    var milliseconds = 0.0
    /// CPU time of this thread (user + system). On a shared machine it moves less than wall time when other
    /// processes take the CPU away; SQLite runs on the calling thread, so it covers all the work.
    var cpuMilliseconds = 0.0
    /// Pages SQLite's page cache missed or wrote (sqlite3_db_status); 0 for the checkpoint, which bypasses it.
    var cacheMisses = 0
    var cacheWrites = 0
    /// Bytes the process read and wrote through system calls (/proc/self/io): every page that crossed the
    /// VFS, checkpoints included.
    var bytesRead = 0
    var bytesWritten = 0
    /// Page writes that reused a WAL frame's sealed bytes (a checkpoint copying a page), so were not encrypted.
    var pagesReused = 0
    /// A digest of what the phase read, so plain and sealed runs can be shown to have done the same work.
    var digest = 0
}

/// rchar and wchar of /proc/self/io: bytes read and written by system calls (page cache of the OS or not).
func processIO() -> (read: Int, written: Int) {
    guard let text = try? String(contentsOfFile: "/proc/self/io", encoding: .utf8) else { return (0, 0) }
    var values: [String: Int] = [:]
    for line in text.split(separator: "\n") {
        let parts = line.split(separator: ":")
        if parts.count == 2 { values[String(parts[0])] = Int(parts[1].trimmingCharacters(in: .whitespaces)) }
    }
    return (values["rchar"] ?? 0, values["wchar"] ?? 0)
}

/// CPU time used by the calling thread so far, in milliseconds.
func threadCPUMilliseconds() -> Double {
    var time = timespec()
    guard clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time) == 0 else { fail("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed") }
    return Double(time.tv_sec) * 1_000 + Double(time.tv_nsec) / 1e6
}

extension Duration {
    var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1_000 + Double(attoseconds) / 1e15
    }
}

/// Times `body` with a monotonic clock and collects the page I/O of `connection()` (asked for after the
/// body, because the cold-scan phase opens a new connection).
func measure(_ connection: () -> Connection, _ body: () -> Int) -> PhaseResult {
    _ = connection().takePageCounters()
    let ioBefore = processIO()
    let reusedBefore = sealedvfs_pages_reused()
    let clock = ContinuousClock()
    let cpuStart = threadCPUMilliseconds()
    let start = clock.now
    let digest = body()
    let elapsed = clock.now - start
    let cpu = threadCPUMilliseconds() - cpuStart
    let ioAfter = processIO()
    let reused = Int(sealedvfs_pages_reused() - reusedBefore)
    let pages = connection().takePageCounters()
    return PhaseResult(milliseconds: elapsed.milliseconds, cpuMilliseconds: cpu, cacheMisses: pages.read, cacheWrites: pages.written,
                       bytesRead: ioAfter.read - ioBefore.read, bytesWritten: ioAfter.written - ioBefore.written,
                       pagesReused: reused, digest: digest)
}

// MARK: - The phases

func createSchema(_ db: Connection) {
    db.exec("""
        CREATE TABLE musician(id INTEGER PRIMARY KEY, name TEXT NOT NULL, instrument TEXT NOT NULL,
                              rank INTEGER NOT NULL, email TEXT NOT NULL, notes TEXT NOT NULL);
        CREATE INDEX musician_instrument_rank ON musician(instrument, rank);
        CREATE UNIQUE INDEX musician_email ON musician(email);
        """)
}

func bulkInsert(_ db: Connection, _ work: Workload) -> Int {
    let insert = db.prepare("INSERT INTO musician(id, name, instrument, rank, email, notes) VALUES (?, ?, ?, ?, ?, ?)")
    defer { insert.finalize() }
    for start in stride(from: 0, to: work.musicians.count, by: Workload.transactionRows) {
        db.exec("BEGIN")
        for index in start..<min(start + Workload.transactionRows, work.musicians.count) {
            let m = work.musicians[index]
            insert.bind(1, index + 1)
            insert.bind(2, m.name)
            insert.bind(3, m.instrument)
            insert.bind(4, m.rank)
            insert.bind(5, m.email)
            insert.bind(6, m.notes)
            insert.run()
        }
        db.exec("COMMIT")
    }
    return work.musicians.count
}

func pointReads(_ db: Connection, _ work: Workload) -> Int {
    // name and rank are not in the email index: every lookup reads an index page and a table page.
    let select = db.prepare("SELECT length(name), rank FROM musician WHERE email = ?")
    defer { select.finalize() }
    var digest = 0
    for index in work.lookups {
        select.bind(1, work.musicians[index].email)
        guard select.step() else { fail("point read: no musician with email \(work.musicians[index].email)") }
        digest &+= select.int(0) &+ select.int(1)
        select.reset()
    }
    return digest
}

func rangeScans(_ db: Connection, _ work: Workload) -> Int {
    // length(notes) makes each scan visit the table rows the (instrument, rank) index points to.
    let select = db.prepare("SELECT count(*), sum(length(notes)) FROM musician WHERE instrument = ? AND rank BETWEEN ? AND ?")
    defer { select.finalize() }
    var digest = 0
    for (instrument, low, high) in work.scans {
        select.bind(1, instrument)
        select.bind(2, low)
        select.bind(3, high)
        guard select.step() else { fail("range scan returned no row") }
        digest &+= select.int(0) &* 1_000_003 &+ select.int(1)
        select.reset()
    }
    return digest
}

func updates(_ db: Connection, _ work: Workload) -> Int {
    // A new rank moves the row in the (instrument, rank) index; new notes rewrite the table row.
    let update = db.prepare("UPDATE musician SET rank = ?, notes = ? WHERE id = ?")
    defer { update.finalize() }
    for start in stride(from: 0, to: work.updates.count, by: Workload.updatesPerTransaction) {
        db.exec("BEGIN")
        for (id, rank, notes) in work.updates[start..<min(start + Workload.updatesPerTransaction, work.updates.count)] {
            update.bind(1, rank)
            update.bind(2, notes)
            update.bind(3, id)
            update.run()
            if db.changes != 1 { fail("update of id \(id) changed \(db.changes) rows") }
        }
        db.exec("COMMIT")
    }
    return work.updates.count
}

func deletes(_ db: Connection, _ work: Workload) -> Int {
    let delete = db.prepare("DELETE FROM musician WHERE id BETWEEN ? AND ?")
    defer { delete.finalize() }
    var deleted = 0
    for range in work.deletions {
        db.exec("BEGIN")
        delete.bind(1, range.lowerBound)
        delete.bind(2, range.upperBound)
        delete.run()
        if db.changes != range.count { fail("delete of ids \(range) removed \(db.changes) rows") }
        deleted += db.changes
        db.exec("COMMIT")
    }
    return deleted
}

func checkpoint(_ db: Connection) -> Int {
    let statement = db.prepare("PRAGMA wal_checkpoint(TRUNCATE)")
    defer { statement.finalize() }
    guard statement.step() else { fail("wal_checkpoint returned no row") }
    if statement.int(0) != 0 { fail("wal_checkpoint(TRUNCATE) was blocked") }
    return 0
}

/// Sums every note after a fresh open: the new connection's cache is empty, so every page of the table
/// comes through the VFS (from the OS's file cache, which is warm for both kinds of database).
func coldScan(_ db: Connection, _ work: Workload) -> Int {
    let select = db.prepare("SELECT count(*), sum(length(notes)) FROM musician")
    defer { select.finalize() }
    guard select.step() else { fail("full scan returned no row") }
    if select.int(0) != work.rowsLeftAfterDeletes {
        fail("full scan found \(select.int(0)) rows, expected \(work.rowsLeftAfterDeletes)")
    }
    return select.int(0) &* 1_000_003 &+ select.int(1)
}

// MARK: - One run

enum Kind: String {
    case plain, sealed
    var vfs: String { self == .plain ? "unix" : SEALEDVFS_NAME }
}

struct RunResult {
    var phases: [PhaseResult]
    var pageSize: Int
    var pageCount: Int
    var totalMilliseconds: Double { phases.reduce(0) { $0 + $1.milliseconds } }
}

/// The whole workload on a new database file in `directory`; the files are removed afterwards.
func run(_ kind: Kind, round: Int, in directory: String, work: Workload, options: Options) -> RunResult {
    let path = "\(directory)/\(kind.rawValue)-\(round).db"
    if kind == .sealed {
        var key = [UInt8](repeating: 0, count: Int(SEALEDVFS_KEY_BYTES))
        var system = SystemRandomNumberGenerator()
        for i in key.indices { key[i] = system.next() }
        guard sealedvfs_key_set(path, key) == Int32(SEALEDVFS_OK.rawValue) else { fail("cannot register a key for \(path)") }
        let count = key.count
        sealedvfs_wipe(&key, count)
    }
    defer {
        if kind == .sealed { _ = sealedvfs_key_remove(path) }
        for suffix in ["", SEALEDVFS_WAL_SUFFIX, "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    var db = Connection(path: path, vfs: kind.vfs, options: options)
    var results: [PhaseResult] = []
    results.append(measure({ db }) { createSchema(db); return bulkInsert(db, work) })
    results.append(measure({ db }) { pointReads(db, work) })
    results.append(measure({ db }) { rangeScans(db, work) })
    results.append(measure({ db }) { updates(db, work) })
    results.append(measure({ db }) { deletes(db, work) })
    let pageSize = db.queryInt("PRAGMA page_size") ?? 0
    let pageCount = db.queryInt("PRAGMA page_count") ?? 0
    results.append(measure({ db }) { checkpoint(db) })
    results.append(measure({ db }) {
        db.close()
        db = Connection(path: path, vfs: kind.vfs, options: options)
        return coldScan(db, work)
    })
    db.close()
    checkHeader(of: path, kind: kind)
    return RunResult(phases: results, pageSize: pageSize, pageCount: pageCount)
}

/// Makes sure each file is what it claims to be: a sealed file must not start with SQLite's magic string
/// and must carry 40 reserved bytes per page (header byte 20); a plain one must be stock SQLite.
func checkHeader(of path: String, kind: Kind) {
    guard let handle = FileHandle(forReadingAtPath: path), let header = try? handle.read(upToCount: 24),
          header.count == 24 else { fail("cannot read the header of \(path)") }
    try? handle.close()
    let magic = header.starts(with: Array("SQLite format 3\0".utf8))
    switch kind {
    case .plain where !magic || header[20] != 0:
        fail("\(path) is not a stock SQLite file")
    case .sealed where magic || header[20] != UInt8(SEALEDVFS_RESERVE_BYTES):
        fail("\(path) is not sealed (magic string in clear, or reserve \(header[20]) instead of \(SEALEDVFS_RESERVE_BYTES))")
    default:
        break
    }
}

// MARK: - Report

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

func medianInt(_ values: [Int]) -> Int { Int(median(values.map(Double.init)).rounded()) }

func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
    let fill = String(repeating: " ", count: max(0, width - text.count))
    return left ? text + fill : fill + text
}

func format(_ value: Double, _ decimals: Int = 1) -> String { String(format: "%.\(decimals)f", value) }

/// Medians over the rounds of one phase.
struct PhaseSummary {
    var plainMs = 0.0, sealedMs = 0.0, plainCPU = 0.0, sealedCPU = 0.0
    var cacheMisses = 0, cacheWrites = 0, pagesIn = 0, pagesOut = 0, pagesReused = 0
    /// Pages through the VFS in the plain run, to show both did the same I/O.
    var plainPages = 0

    init() {}

    init(_ phase: Phase, plain: [RunResult], sealed: [RunResult], pageSize: Int) {
        let p = plain.map { $0.phases[phase.rawValue] }
        let s = sealed.map { $0.phases[phase.rawValue] }
        plainMs = median(p.map(\.milliseconds))
        sealedMs = median(s.map(\.milliseconds))
        plainCPU = median(p.map(\.cpuMilliseconds))
        sealedCPU = median(s.map(\.cpuMilliseconds))
        cacheMisses = medianInt(s.map(\.cacheMisses))
        cacheWrites = medianInt(s.map(\.cacheWrites))
        // Pages through the VFS (bytes / page size): on the sealed side one decryption or encryption each.
        pagesIn = medianInt(s.map(\.bytesRead)) / pageSize
        pagesOut = medianInt(s.map(\.bytesWritten)) / pageSize
        pagesReused = medianInt(s.map(\.pagesReused))
        plainPages = (medianInt(p.map(\.bytesRead)) + medianInt(p.map(\.bytesWritten))) / pageSize
    }

    static func + (a: PhaseSummary, b: PhaseSummary) -> PhaseSummary {
        var sum = PhaseSummary()
        sum.plainMs = a.plainMs + b.plainMs
        sum.sealedMs = a.sealedMs + b.sealedMs
        sum.plainCPU = a.plainCPU + b.plainCPU
        sum.sealedCPU = a.sealedCPU + b.sealedCPU
        sum.cacheMisses = a.cacheMisses + b.cacheMisses
        sum.cacheWrites = a.cacheWrites + b.cacheWrites
        sum.pagesIn = a.pagesIn + b.pagesIn
        sum.pagesOut = a.pagesOut + b.pagesOut
        sum.pagesReused = a.pagesReused + b.pagesReused
        sum.plainPages = a.plainPages + b.plainPages
        return sum
    }

    /// The sealed run's extra CPU time per page it decrypted or encrypted, in microseconds. Pages written with
    /// a WAL frame's sealed bytes were not encrypted, so they do not count.
    var extraMicrosecondsPerPage: String {
        let pages = pagesIn + pagesOut - pagesReused
        return pages > 0 ? format((sealedCPU - plainCPU) * 1_000 / Double(pages), 2) : "-"
    }

    func row(_ title: String) -> String {
        pad(title, 22, left: true) + pad(format(plainMs), 10) + pad(format(sealedMs), 11)
            + pad(format(sealedMs / plainMs, 2), 7) + pad(format(sealedCPU / plainCPU, 2), 11)
            + pad(extraMicrosecondsPerPage, 15) + pad("\(cacheMisses)", 14) + pad("\(cacheWrites)", 14)
            + pad("\(pagesIn)", 10) + pad("\(pagesOut)", 11) + pad("\(pagesReused)", 9)
    }
}

func report(plain: [RunResult], sealed: [RunResult], options: Options, work: Workload) {
    let pageSize = plain[0].pageSize
    print("""
        StorageBenchmark — plain (VFS unix) vs sealed (VFS sealed), SQLite \(String(cString: sqlite3_libversion()))
        rows \(options.rows), page size \(pageSize) B (sealed: \(pageSize - Int(SEALEDVFS_RESERVE_BYTES)) B usable), \
        cache_size \(options.cacheKiB) KiB (\(options.cacheKiB * 1024 / pageSize) pages), \
        wal_autocheckpoint \(options.autocheckpoint) pages, \(options.rounds) rounds each, medians
        database after the workload: plain \(plain[0].pageCount) pages, sealed \(sealed[0].pageCount) pages
        workload: \(work.musicians.count) inserts, \(work.lookups.count) point reads, \(work.scans.count) range scans, \
        \(work.updates.count) updates, \(work.musicians.count - work.rowsLeftAfterDeletes) deletes

        """)
    print(pad("phase", 22, left: true) + pad("plain ms", 10) + pad("sealed ms", 11) + pad("ratio", 7)
          + pad("CPU ratio", 11) + pad("extra us/page", 15) + pad("cache misses", 14) + pad("cache writes", 14)
          + pad("pages in", 10) + pad("pages out", 11) + pad("reused", 9))
    let phases = Phase.allCases.map { PhaseSummary($0, plain: plain, sealed: sealed, pageSize: pageSize) }
    for (phase, summary) in zip(Phase.allCases, phases) { print(summary.row(phase.title)) }
    // The total is the sum of the phase medians, so that it adds up with the rows above.
    let total = phases.reduce(PhaseSummary(), +)
    print(total.row("TOTAL"))
    let countGap = Double(abs(total.pagesIn + total.pagesOut - total.plainPages)) / Double(max(1, total.pagesIn + total.pagesOut))
    print("""

        ratio: sealed / plain wall time (monotonic clock). CPU ratio: the same for the thread's CPU time.
        extra us/page: (sealed - plain) CPU time per page the sealed VFS decrypted or encrypted.
        cache misses / writes: pages SQLite's page cache read from / wrote to the VFS (sqlite3_db_status),
        sealed run. pages in / out: bytes read / written by system calls (/proc/self/io) / page size, sealed
        run: every page the VFS decrypted / wrote, checkpoints included. reused: pages out that a checkpoint
        wrote with the sealed bytes of their WAL frame (sealedvfs_pages_reused), so not encrypted again.
        The plain run's page counts differ by \(format(countGap * 100))%. Not every page in costs a decryption:
        the read cache answers a page read again unchanged.
        AEAD (\(String(cString: sealedvfs_aead_name()))) over all sealed runs: \(sealedvfs_aead_operations(0)) pages sealed, \
        \(sealedvfs_aead_operations(1)) opened; read cache hits \(sealedvfs_read_cache_hits()) \
        (budget \(options.readCacheKiB.map { "\($0) KiB" } ?? "the VFS's default, \(SEALEDVFS_READ_CACHE_DEFAULT_KIB) KiB") per connection).
        per-run totals ms: plain \(plain.map { format($0.totalMilliseconds, 0) }.joined(separator: " ")), \
        sealed \(sealed.map { format($0.totalMilliseconds, 0) }.joined(separator: " "))
        """)
}

// MARK: - Main

let options = Options.parse(CommandLine.arguments)

// Not the default VFS: plain databases keep the stock "unix" VFS, sealed ones name "sealed" when they open.
guard sealedvfs_register(0) == Int32(SEALEDVFS_OK.rawValue) else { fail("cannot register the sealed VFS") }
if let name = options.aead, sealedvfs_aead_select(name) != Int32(SEALEDVFS_OK.rawValue) { fail("unknown --aead \(name)") }
if let kib = options.readCacheKiB { sealedvfs_read_cache_set(kib) }

progress("generating \(options.rows) rows…")
let work = Workload(rows: options.rows)

let pattern = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("storage-bench-XXXXXX").path
var template = Array(pattern.utf8CString)
guard let created = mkdtemp(&template) else { fail("cannot create a temporary directory") }
let directory = String(cString: created)

var plainRuns: [RunResult] = []
var sealedRuns: [RunResult] = []
// Alternate the kinds, so that a slow spell on this shared machine hits both, not one.
for round in 1...options.rounds {
    for kind in [Kind.plain, .sealed] {
        let result = run(kind, round: round, in: directory, work: work, options: options)
        progress("round \(round) \(kind.rawValue): \(format(result.totalMilliseconds, 0)) ms")
        // Both kinds must have read the same data in every phase.
        let reference = plainRuns.first ?? result
        for phase in Phase.allCases where result.phases[phase.rawValue].digest != reference.phases[phase.rawValue].digest {
            fail("\(kind.rawValue) run \(round) read different data from the first plain run in phase \(phase.title)")
        }
        if kind == .plain { plainRuns.append(result) } else { sealedRuns.append(result) }
    }
}

try? FileManager.default.removeItem(atPath: directory)
report(plain: plainRuns, sealed: sealedRuns, options: options, work: work)
