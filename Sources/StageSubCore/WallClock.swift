import Foundation

/// Where the engine gets the time: the system's in production, a hand-moved one in tests.
public protocol WallClock: Sendable {
    func now() -> Date
}

/// The system clock.
public struct SystemClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that only moves when told to (tests, simulations).
public final class ManualClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    public init(_ start: Date) { current = start }

    public func now() -> Date { lock.withLock { current } }

    public func advance(by seconds: TimeInterval) { lock.withLock { current = current.addingTimeInterval(seconds) } }

    public func set(_ date: Date) { lock.withLock { current = date } }
}

/// A clock running `offset` seconds ahead of another: a demo appliance's, moved forward by a person so
/// reminders and deadlines come within seconds. It only ever moves forward.
public final class OffsetClock: WallClock, @unchecked Sendable {
    private let base: any WallClock
    private let lock = NSLock()
    private var offset: TimeInterval

    public init(base: any WallClock = SystemClock(), offset: TimeInterval = 0) {
        self.base = base
        self.offset = max(0, offset)
    }

    public func now() -> Date { base.now().addingTimeInterval(offsetSeconds) }

    /// How far ahead of the base clock this one is.
    public var offsetSeconds: TimeInterval { lock.withLock { offset } }

    /// Moves the clock forward; returns the new offset.
    @discardableResult
    public func advance(by seconds: TimeInterval) -> TimeInterval {
        lock.withLock {
            offset += max(0, seconds)
            return offset
        }
    }
}
