/// The error of everything in StageSubStore: a code callers can switch on and a message for a person.
/// Messages name the file and what to do; they never carry key material or SQLite's own text verbatim
/// where that would confuse (the underlying cause is kept for logs in `underlying`).
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case invalidKey        // a key of the wrong shape
        case fileExists        // create: something is already there
        case fileMissing       // open: nothing is there
        case wrongKey          // the key does not open this file
        case notSealed         // the file is plain SQLite or not a database at all
        case damaged           // pages failed authentication or integrity_check failed
        case io                // the file system said no
        case database          // SQLite failed for another reason
        case notFound          // no such orchestra, user, backup
        case conflict          // already exists, or the state does not allow it
        case invalidInput      // a value of the wrong shape (slug, email, role)
        case notInitialised    // the data directory has not been set up with `stagesub init`
        case busy              // another process holds what this needs
        case limitReached      // a plan limit
        case unauthorised      // wrong credentials, or none
        case forbidden         // known, but not allowed (a suspended orchestra, a role without the right)
    }

    public let code: Code
    public let message: String
    /// The lower-level error, for logs (never shown to clients).
    public let underlying: String?
    /// What was refused, when a person may meet it on a page: the web interface says it in their language.
    public let problem: StoreProblem?

    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying.map { String(describing: $0) }
        self.problem = nil
    }

    /// A refusal a person may meet on a page; its message is the problem in English.
    public init(_ code: Code, _ problem: StoreProblem) {
        self.code = code
        self.message = problem.english
        self.underlying = nil
        self.problem = problem
    }

    public var description: String { message }
}

#if canImport(Foundation)
import Foundation
extension StoreError: LocalizedError {
    public var errorDescription: String? { message }
}
#endif
