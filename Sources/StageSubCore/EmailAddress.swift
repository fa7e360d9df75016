/// Email addresses: what StageSub accepts for people, and what may go into a mail header or an SMTP
/// command as it is.
public enum EmailAddress {
    /// local@domain.tld, without spaces.
    public static func isValid(_ email: String) -> Bool {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !email.contains(" ")
    }

    /// Valid, and without whitespace, line breaks, angle brackets or other header syntax.
    public static func isHeaderSafe(_ email: String) -> Bool {
        isValid(email) && email.utf8.count <= 254 && !email.contains(where: { $0.isWhitespace || "<>,;\"()\\".contains($0) })
    }
}
