import Foundation
import GRDB
import StageSubCore

/// Dates as GRDB stores them (`YYYY-MM-DD HH:MM:SS.SSS`, UTC), read without Foundation's calendar: for
/// rows read by the hundred. Any other form goes through GRDB's own decoding, so nothing reads differently.
enum StoredDate {
    /// A date column by name that must be there and readable: a stored value that is no date is an error
    /// for this read, never a crash (GRDB's subscripts stop the process on a value they cannot convert).
    static func required(_ row: Row, _ column: String) throws -> Date {
        guard let date = try optional(row, column) else { throw StoreError(.damaged, "a stored date (\(column)) is missing") }
        return date
    }

    /// The same by column index, for reads that know their statement's columns.
    static func required(_ row: Row, _ index: Int) throws -> Date {
        guard let date = try decode(row, index) else { throw StoreError(.damaged, "a stored date (column \(index)) is missing") }
        return date
    }

    static func optional(_ row: Row, _ column: String) throws -> Date? {
        guard let index = index(of: column, in: row) else { throw StoreError(.damaged, "no column \(column)") }
        return try decode(row, index)
    }

    /// A date column that a query may not select: nil when it is absent or NULL, as `Decodable` read it.
    static func ifSelected(_ row: Row, _ column: String) throws -> Date? {
        guard let index = index(of: column, in: row) else { return nil }
        return try decode(row, index)
    }

    static func index(of column: String, in row: Row) -> Int? {
        // Exact names first: a case-insensitive comparison per row was most of a statistics read (docs/benchmarks.md).
        let names = Array(row.columnNames)
        return names.firstIndex(of: column) ?? names.firstIndex(where: { $0.caseInsensitiveCompare(column) == .orderedSame })
    }

    static func decode(_ row: Row, _ index: Int) throws -> Date? {
        if row.hasNull(atIndex: index) { return nil }
        // The text's bytes as SQLite holds them, without making a String.
        if let date = (try? row.withUnsafeData(atIndex: index) { $0?.withUnsafeBytes { parse($0) } }) ?? nil {
            return date
        }
        guard let date = Date.fromDatabaseValue(row[index] as DatabaseValue) else {
            throw StoreError(.damaged, "a stored date cannot be read (column \(index))")
        }
        return date
    }

    /// `YYYY-MM-DD HH:MM:SS.SSS` exactly, or nil.
    static func parse(_ bytes: UnsafeRawBufferPointer) -> Date? {
        guard bytes.count == 23, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x20, bytes[13] == 0x3A, bytes[16] == 0x3A,
              bytes[19] == 0x2E else { return nil }
        func number(_ from: Int, _ count: Int) -> Int? {
            var value = 0
            for i in from..<from + count {
                let digit = Int(bytes[i]) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
              let minute = number(14, 2), let second = number(17, 2), let millisecond = number(20, 3),
              hour < 24, minute < 60, second < 60, let date = CalendarDay(year: year, month: month, day: day) else { return nil }
        let seconds = date.ordinal * 86_400 + hour * 3600 + minute * 60 + second
        // From the reference date, as Foundation's calendar computes it (bit for bit the same Date).
        return Date(timeIntervalSinceReferenceDate: Double(seconds - 978_307_200) + Double(millisecond) / 1000)
    }
}
