/// Versions this build carries.
public enum StageSubVersion {
    /// The application version.
    public static let current = "0.1.0"
    /// The on-disk page format of sealed databases (the format tag in every page's associated data).
    public static let storageFormat = "SSV1"
}
