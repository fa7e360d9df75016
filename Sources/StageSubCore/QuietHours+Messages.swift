import Foundation

extension QuietHours {
    /// The first moment at or after `date` outside the window: when an SMS written at `date` may go out.
    public func firstMomentOutside(_ date: Date) -> Date {
        contains(date) ? end(ofWindowContaining: date) : date
    }
}
