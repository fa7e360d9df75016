import Foundation

/// One step of an escalating need: how it asks, how long each musician has to answer, and until how many
/// days before the first rehearsal (nil: the last step, to the end).
public struct EscalationStep: Sendable, Hashable {
    /// sequential, parallel or first_come (never escalating).
    public var strategy: RequestStrategy
    /// parallel: requests out per open place (parallel ×2 keeps twice the open places asked).
    public var width: Int
    public var responseTimeHours: Int
    public var untilDaysBefore: Int?

    public init(strategy: RequestStrategy, width: Int = 1, responseTimeHours: Int, untilDaysBefore: Int?) {
        self.strategy = strategy
        self.width = width
        self.responseTimeHours = responseTimeHours
        self.untilDaysBefore = untilDaysBefore
    }

    /// `sequential 48h until 21d`, `parallel x2 24h until 7d`, `first_come 12h`.
    public var text: String {
        var parts = [strategy.rawValue]
        if strategy == .parallel && width > 1 { parts.append("x\(width)") }
        parts.append("\(responseTimeHours)h")
        if let days = untilDaysBefore { parts.append("until \(days)d") }
        return parts.joined(separator: " ")
    }
}

/// Where an escalating need stands at a moment: its step, and when the next begins.
public struct EscalationPosition: Sendable, Hashable {
    /// 0 for the first step.
    public var index: Int
    public var step: EscalationStep
    /// When the next step begins (midnight in the orchestra's zone, that many days before the first
    /// rehearsal); nil on the last step.
    public var nextBeginsAt: Date?

    public init(index: Int, step: EscalationStep, nextBeginsAt: Date?) {
        self.index = index
        self.step = step
        self.nextBeginsAt = nextBeginsAt
    }
}

/// The steps an orchestra's escalating needs go through as the first rehearsal nears (setting
/// `escalationSteps`, set by an admin).
public struct EscalationSchedule: Sendable, Hashable {
    public var steps: [EscalationStep]

    /// Sequential until 21 days before, parallel ×2 until 7 days before, then first come to everyone left;
    /// each musician has 48, 24, then 12 hours to answer.
    public static let standard = EscalationSchedule(steps: [
        EscalationStep(strategy: .sequential, responseTimeHours: 48, untilDaysBefore: 21),
        EscalationStep(strategy: .parallel, width: 2, responseTimeHours: 24, untilDaysBefore: 7),
        EscalationStep(strategy: .firstCome, responseTimeHours: 12, untilDaysBefore: nil),
    ])

    public init(steps: [EscalationStep]) { self.steps = steps }

    public var text: String { steps.map(\.text).joined(separator: "; ") }

    /// Parses the setting's text (steps separated by `;`), or says what to fix.
    public static func parse(_ text: String) -> Result<EscalationSchedule, EscalationError> {
        func bad(_ problem: EscalationError.Problem) -> Result<EscalationSchedule, EscalationError> { .failure(EscalationError(problem: problem)) }
        let pieces = text.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard (1...6).contains(pieces.count) else { return bad(.stepCount) }
        var steps: [EscalationStep] = []
        for (number, piece) in pieces.enumerated() {
            let words = piece.split(separator: " ").map(String.init)
            guard let first = words.first, let strategy = RequestStrategy(rawValue: first), strategy != .escalating else {
                return bad(.strategy(step: number + 1, text: piece))
            }
            var rest = words.dropFirst()
            var width = 1
            if let w = rest.first, w.hasPrefix("x") || w.hasPrefix("×") {
                guard strategy == .parallel, let n = Int(w.dropFirst()), (1...10).contains(n) else {
                    return bad(.width(step: number + 1, text: piece))
                }
                width = n
                rest = rest.dropFirst()
            }
            guard let h = rest.first, h.hasSuffix("h"), let hours = Int(h.dropLast()), DispatchPlanner.responseHoursRange.contains(hours) else {
                return bad(.responseTime(step: number + 1, text: piece))
            }
            rest = rest.dropFirst()
            var until: Int?
            if !rest.isEmpty {
                guard rest.count == 2, rest.first == "until", let d = rest.last, d.hasSuffix("d"), let days = Int(d.dropLast()), (0...365).contains(days) else {
                    return bad(.until(step: number + 1, text: piece))
                }
                until = days
            }
            steps.append(EscalationStep(strategy: strategy, width: width, responseTimeHours: hours, untilDaysBefore: until))
        }
        for (i, step) in steps.enumerated() {
            let last = i == steps.count - 1
            if last && step.untilDaysBefore != nil { return bad(.lastStepHasUntil) }
            if !last && step.untilDaysBefore == nil { return bad(.untilMissing) }
            if i > 0, let previous = steps[i - 1].untilDaysBefore, let days = step.untilDaysBefore, days >= previous {
                return bad(.daysMustFall(previous: previous))
            }
        }
        return .success(EscalationSchedule(steps: steps))
    }

    /// The step at `now` for a project whose first rehearsal is `firstRehearsal`. A step ends at midnight
    /// (the orchestra's zone) `untilDaysBefore` days before that day.
    public func position(at now: Date, firstRehearsal: CalendarDay, zone: TimeZone) -> EscalationPosition {
        for (index, step) in steps.enumerated() {
            guard let days = step.untilDaysBefore else { return EscalationPosition(index: index, step: step, nextBeginsAt: nil) }
            let boundary = Self.midnight(of: firstRehearsal.adding(days: -days), zone: zone)
            if now < boundary { return EscalationPosition(index: index, step: step, nextBeginsAt: boundary) }
        }
        let last = steps.count - 1
        return EscalationPosition(index: last, step: steps[last], nextBeginsAt: nil)
    }

    /// 00:00 of a day in a zone.
    static func midnight(of day: CalendarDay, zone: TimeZone) -> Date {
        let utc = Date(timeIntervalSince1970: Double(day.ordinal) * 86_400)
        // The zone's offset at that moment, then once more at the corrected moment (DST changes at night).
        let guess = utc.addingTimeInterval(-Double(zone.secondsFromGMT(for: utc)))
        return utc.addingTimeInterval(-Double(zone.secondsFromGMT(for: guess)))
    }
}

/// A schedule that cannot be used, with what to fix: `problem` for a reader in any language (the settings
/// page), `message` in the JSON API's English.
public struct EscalationError: Error, Sendable, Equatable {
    public enum Problem: Sendable, Equatable {
        /// Not 1 to 6 steps.
        case stepCount
        /// Step `step` (1-based, its text) does not start with a strategy.
        case strategy(step: Int, text: String)
        /// A width on a step that is not parallel, or outside x1–x10.
        case width(step: Int, text: String)
        /// No response time such as 24h, or one out of range.
        case responseTime(step: Int, text: String)
        /// Something after the response time other than "until Nd" (0–365).
        case until(step: Int, text: String)
        case lastStepHasUntil
        case untilMissing
        /// A step's days are not fewer than the step before's.
        case daysMustFall(previous: Int)
    }

    public let problem: Problem

    public var message: String {
        func step(_ number: Int, _ text: String) -> String { "escalationSteps step \(number) (\(text))" }
        switch problem {
        case .stepCount: return "escalationSteps must have 1 to 6 steps separated by ';'"
        case .strategy(let n, let text): return "\(step(n, text)): must start with sequential, parallel or first_come"
        case .width(let n, let text): return "\(step(n, text)): a width x1–x10 applies to parallel only"
        case .responseTime(let n, let text):
            return "\(step(n, text)): needs a response time such as 24h (1–\(DispatchPlanner.responseHoursRange.upperBound))"
        case .until(let n, let text):
            return "\(step(n, text)): ends with 'until Nd' (0–365 days before the first rehearsal), or nothing on the last step"
        case .lastStepHasUntil: return "escalationSteps: the last step has no 'until'"
        case .untilMissing: return "escalationSteps: every step but the last ends 'until Nd'"
        case .daysMustFall(let previous): return "escalationSteps: the days must fall step by step (\(previous)d, then fewer)"
        }
    }
}

/// An escalating need as the clock sees it: the step it last asked under, and where it stands now.
public struct EscalatingNeed: Sendable, Hashable {
    public var needId: Int64
    public var recordedStep: Int
    public var position: EscalationPosition

    public init(needId: Int64, recordedStep: Int, position: EscalationPosition) {
        self.needId = needId
        self.recordedStep = recordedStep
        self.position = position
    }
}

extension RequestEngine {
    /// Escalating needs whose step has moved on since they last asked: each takes its new step and the
    /// project re-plans (so the wider step asks more at once). Steps only move forward.
    public static func escalations(_ needs: [EscalatingNeed]) -> [(needId: Int64, step: Int)] {
        needs.filter { $0.position.index > $0.recordedStep }.map { ($0.needId, $0.position.index) }
    }
}
